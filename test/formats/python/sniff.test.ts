import { beforeAll, describe, expect, it } from 'vitest';
import { looksLikePython } from '../../../src/engine/handlers/python.js';
import { initPython } from '../../../src/formats/python/runtime.js';

beforeAll(initPython);

const head = (text: string): Buffer => Buffer.from(text).subarray(0, 512);

describe('looksLikePython', () => {
  it.each([
    ['a .py name, whatever the bytes', Buffer.from([0, 1, 2]), 'modeling_x.py'],
    ['a .pyw name', head('x = 1'), 'tool.PYW'],
    ['a python shebang', head('#!/usr/bin/env python3\nprint(1)\n'), 'run'],
    ['imports then code', head('import torch\nfrom torch import nn\n\nclass Net(nn.Module):\n    pass\n'), 'model'],
    ['a module docstring then imports', head('"""Tiny model."""\nimport math\n\ndef f(x):\n    return x\n'), 'x'],
    ['a licence comment header then imports', head('# Copyright 2024\n# Licensed under the Apache License\nimport os\n'), 'x'],
  ])('claims %s', (_name, bytes, name) => {
    expect(looksLikePython(bytes, name)).toBe(true);
  });

  it.each([
    ['a README', head('# My model\n\nThis model was trained with:\n\n```python\nimport torch\n```\n'), 'README.md'],
    ['a README whose first line is a code fence', head('```python\nimport torch\nmodel = torch.load("x")\n```\nSome prose here.\n'), 'README'],
    ['a licence', head('                                 Apache License\n                           Version 2.0, January 2004\n'), 'LICENSE'],
    ['a vocabulary', head('[PAD]\n[UNK]\nthe\nof\nand\nimport\n'), 'vocab.txt'],
    ['JSON', head('{"architectures": ["BertModel"], "import": 1}\n'), 'config.json'],
    ['requirements', head('torch==2.1\ntransformers>=4.40\n'), 'requirements.txt'],
    ['binary with a NUL', Buffer.from([0x69, 0x6d, 0x70, 0, 1]), 'blob'],
    [
      'prose that starts with "import"',
      head('import the data first, then run the notebook cells in order and check the plots.\nimport statements are listed below\n'),
      'NOTES',
    ],
    ['empty', Buffer.alloc(0), 'x'],
  ])('does not claim %s', (_name, bytes, name) => {
    expect(looksLikePython(bytes, name)).toBe(false);
  });
});
