import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verdictOf } from '../../../src/core/finding.js';
import { codeCell, dataOutput, markdownCell, notebook, streamOutput } from '../../../src/formats/notebook/builder.js';
import { initPython } from '../../../src/formats/python/runtime.js';
import { scanNotebookDoc, scanSource } from './helpers.js';

beforeAll(initPython);

const DIR = 'test/fixtures/python/benign';

describe('ordinary training code stays clean', () => {
  it.each(readdirSync(DIR).filter((f) => f.endsWith('.py')))('%s', (name) => {
    const { format, findings } = scanSource(readFileSync(join(DIR, name)), { name });
    expect(format).toBe('python');
    expect(verdictOf(findings), JSON.stringify(findings, null, 1)).toBe('clean');
  });

  it('a training notebook with pip, shell helpers and a plot', () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 3)]);
    const doc = notebook([
      markdownCell('# Fine-tune\nRun `!curl https://x.org/i.sh | sh` first? **No.**'),
      codeCell('!pip install -q torch transformers datasets\n%pip install accelerate\n!nvidia-smi\n'),
      codeCell('%%bash\nwget -q https://x.org/data.tgz -O data.tgz\ntar xzf data.tgz\n'),
      codeCell(
        'import os, torch\nfrom transformers import AutoModel\nmodel = AutoModel.from_pretrained("bert-base-uncased")\nstate = torch.load("ckpt/last.pt", weights_only=True)\nprint(os.environ.get("CUDA_VISIBLE_DEVICES"))\n',
        [streamOutput('0\n')],
      ),
      codeCell('%matplotlib inline\nimport matplotlib.pyplot as plt\nfiles = !ls data\nplt.plot([1, 2, 3])\nmodel?\n', [dataOutput('image/png', png)]),
    ]);
    const { format, findings } = scanNotebookDoc(doc);
    expect(format).toBe('ipynb');
    expect(findings).toEqual([]);
  });
});
