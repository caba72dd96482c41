import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { osSystemPickle } from '../helpers/pickles.js';
import { scanBytes } from '../helpers/scan-bytes.js';

// Regressions of the format registry's order and fallbacks, each through a whole scan.
describe('recognition', () => {
  it('reads a chat_template.jinja that begins with {{ as a template (it is no JSON)', async () => {
    const r = await scanBytes(Buffer.from('{{ joiner.__init__.__globals__.os.popen("id").read() }}\n'), { name: 'chat_template.jinja' });
    expect(r.verdict).toBe('malicious');
    expect(r.findings.map((f) => f.ruleId)).toContain('jinja/template-injection');
  });

  it('reads a safetensors file whose header length begins like a zlib stream as safetensors', async () => {
    const bytes = readFileSync(new URL('../fixtures/safetensors/tiny.safetensors', import.meta.url));
    // 0x78 0x01: zlib's CMF/FLG check passes on these two bytes.
    expect([bytes[0], bytes[1]]).toEqual([0x78, 0x01]);
    const r = await scanBytes(bytes);
    expect(r.format).toBe('safetensors');
    expect(r.verdict).toBe('clean');
  });

  it("reads text that passes zlib's two-byte check as text, not as a broken stream", async () => {
    const r = await scanBytes(Buffer.from('x = 1\nprint(x)\n'), { name: 'script.py' });
    expect(r.verdict).toBe('clean');
    expect(r.format).not.toMatch(/zlib/);
  });

  it('still reads a zlib-compressed pickle by its magic', async () => {
    const { deflateSync } = await import('node:zlib');
    const r = await scanBytes(deflateSync(osSystemPickle()));
    expect(r.format).toMatch(/zlib/);
    expect(r.verdict).toBe('malicious');
  });

  it('reads a tokenizer config that only Python can parse (a NaN in it) as a config, its chat template judged', async () => {
    const config = '{"model_max_length": NaN, "chat_template": "{{ cycler.__init__.__globals__.os.popen(\'id\').read() }}"}';
    const r = await scanBytes(Buffer.from(config), { name: 'tokenizer_config.json' });
    expect(r.format).toBe('hf-tokenizer-config');
    expect(r.verdict).toBe('malicious');
    expect(r.findings.map((f) => f.ruleId)).toContain('jinja/template-injection');
  });

  // A loader that opens a file by its name reads it as that text whatever its first bytes are
  // (transformers' dynamic_module_utils imports *.py with exec_module; chat_template.jinja is read
  // with open().read() and rendered), so polyglots are read both ways.
  const template = "{{ cycler.__init__.__globals__.os.popen('true').read() }}";
  it('reads a .py module whose first bytes are a whole protocol-0 pickle as Python too', async () => {
    const code = "(t.real)if 0 else 0\nimport base64\nexec(base64.b64decode('cHJpbnQoMSk='))\n";
    const r = await scanBytes(Buffer.from(code), { name: 'modeling_evil.py' });
    expect(r.verdict).toBe('malicious');
    expect(r.findings.map((f) => f.ruleId)).toContain('python/dynamic-exec');
  });

  it('reads a chat_template.jinja that begins like a pickle, or that is valid JSON, as a template too', async () => {
    for (const text of [`N.${template}`, JSON.stringify({ t: template })]) {
      const r = await scanBytes(Buffer.from(text), { name: 'chat_template.jinja' });
      expect(r.verdict).toBe('malicious');
      expect(r.findings.map((f) => f.ruleId)).toContain('jinja/template-injection');
    }
  });

  it('keeps a real safetensors file whose header length (93) begins like an lzma-alone stream clean', async () => {
    const header = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }).padEnd(93, ' '));
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    expect(length[0]).toBe(0x5d);
    const r = await scanBytes(Buffer.concat([length, header, Buffer.alloc(4)]));
    expect(r.format).toBe('safetensors');
    expect(r.verdict).toBe('clean');
  });
});
