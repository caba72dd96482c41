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
});
