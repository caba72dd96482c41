import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildGguf } from '../../../src/formats/gguf/builder.js';
import { scanBytes } from '../../helpers/scan-bytes.js';
import { str } from './cases.js';

const scan = (bytes: Buffer) => scanBytes(bytes, { name: 'm.gguf' });
const withTemplate = (key: string, template: string) =>
  buildGguf({
    kvs: [
      { key: 'general.architecture', value: str('llama') },
      { key, value: str(template) },
    ],
    tensors: [{ name: 'w', dims: [8] }],
  });

describe('scanGguf', () => {
  it.each(['tiny.gguf', 'tiny-be.gguf'])('%s from the reference writer is clean with one summary', async (name) => {
    const r = await scan(readFileSync(`test/fixtures/gguf/${name}`));
    expect(r.format).toBe('gguf');
    expect(r.verdict).toBe('clean');
    expect(r.findings.map((f) => f.ruleId)).toEqual(['gguf/summary']);
  });

  it('checks tokenizer.chat_template (CVE-2024-34359)', async () => {
    const r = await scan(withTemplate('tokenizer.chat_template', "{{ lipsum.__globals__['os'].popen('id').read() }}"));
    expect(r.verdict).toBe('malicious');
    const f = r.findings.find((x) => x.ruleId === 'jinja/template-injection');
    expect(f?.severity).toBe('critical');
    expect(f?.message).toMatch(/^tokenizer\.chat_template /);
    expect(f?.location?.offset).toBeGreaterThan(0);
  });

  it('checks named templates (tokenizer.chat_template.<name>)', async () => {
    const r = await scan(withTemplate('tokenizer.chat_template.tool_use', '{{ cycler.__init__.__globals__.os.system("id") }}'));
    expect(r.findings.find((x) => x.ruleId === 'jinja/template-injection')?.message).toMatch(/^tokenizer\.chat_template\.tool_use/);
  });

  it('a chat template that does not parse is an error', async () => {
    const r = await scan(withTemplate('tokenizer.chat_template', '{% for m in messages %}'));
    expect(r.verdict).toBe('error');
    expect(r.findings.find((x) => x.ruleId === 'jinja/malformed-template')?.code).toBe('MALFORMED');
  });

  it('other metadata strings with Jinja syntax are checked, but need not parse', async () => {
    expect((await scan(withTemplate('general.description', '{{ self.__init__.__globals__ }}'))).verdict).toBe('malicious');
    expect((await scan(withTemplate('general.description', 'uses {{ and }} in prose {% oops'))).verdict).toBe('clean');
    expect((await scan(withTemplate('general.description', 'prose with {{ open source }} words and {% a broken tag'))).verdict).toBe('clean');
  });

  it('a vocabulary holding "{{" tokens is not a template', async () => {
    const r = await scan(
      buildGguf({ kvs: [{ key: 'tokenizer.ggml.tokens', value: { type: 'array', elementType: 'string', items: [str('{{'), str('{%'), str('__class__')] } }] }),
    );
    expect(r.verdict).toBe('clean');
  });

  it('reads a vocabulary of 200,000 tokens quickly', async () => {
    const items = Array.from({ length: 200_000 }, (_, i) => str(`tok${i}`));
    const bytes = buildGguf({
      kvs: [
        { key: 'tokenizer.ggml.tokens', value: { type: 'array', elementType: 'string', items } },
        { key: 'tokenizer.chat_template', value: str('{{ x }}') },
      ],
    });
    const start = performance.now();
    const r = await scan(bytes);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(r.verdict).toBe('clean');
  });
});
