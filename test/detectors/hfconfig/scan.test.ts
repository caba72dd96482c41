import { beforeAll, describe, expect, it } from 'vitest';
import { BufferSource, type ByteSource } from '../../../src/core/byte-source.js';
import { type Finding, verdictOf } from '../../../src/core/finding.js';
import { withLimits } from '../../../src/core/limits.js';
import { ScanContext, type SiblingFile } from '../../../src/engine/index.js';
import { scanChatTemplateFile, scanHfJson } from '../../../src/engine/handlers/hfconfig.js';
import { initPython } from '../../../src/formats/python/runtime.js';
import { osSystemPickle } from '../../helpers/pickles.js';

type Scanner = (source: ByteSource, ctx: ScanContext) => string;

/** Scans a config as repo/<name>, with `files` beside it. */
function scan(doc: unknown, files: Record<string, string | Buffer> = {}, scanner?: Scanner, name = 'config.json') {
  const findings: Finding[] = [];
  const sibling = (n: string): SiblingFile | undefined => {
    const data = files[n];
    return data === undefined ? undefined : { name: n, size: Buffer.byteLength(data), read: () => Buffer.from(data) };
  };
  const bytes = Buffer.from(JSON.stringify(doc, null, 2));
  const ctx = new ScanContext(`repo/${name}`, withLimits(), findings, { decompressed: 0 }, 0, undefined, sibling);
  const format = scanHfJson(doc, new BufferSource(bytes), ctx, scanner);
  return { format, findings, verdict: verdictOf(findings) };
}

/** A stand-in for the Python analyser: one critical finding for code that calls exec. */
const stubPython: Scanner = (source, ctx) => {
  if (source.read(0, source.size).toString('utf8').includes('exec(')) {
    ctx.findings.push({ ruleId: 'python/exec-decoded', severity: 'critical', message: 'exec of base64-decoded data', target: ctx.target });
  }
  return 'python';
};

const config = {
  architectures: ['TinyModel'],
  model_type: 'tiny-custom',
  auto_map: { AutoConfig: 'modeling_tiny.TinyConfig', AutoModel: 'modeling_tiny.TinyModel' },
};

describe('scanHfJson', () => {
  it('a plain model config is clean', () => {
    const r = scan({ architectures: ['BertModel'], model_type: 'bert', hidden_size: 16 });
    expect(r).toMatchObject({ format: 'hf-config', findings: [], verdict: 'clean' });
  });

  it('other JSON is left to the caller', () => {
    expect(
      scan({ metadata: { total_size: 60 }, weight_map: { a: 'model.safetensors' } }, {}, undefined, 'model.safetensors.index.json').format,
    ).toBeUndefined();
  });

  it('auto_map with ordinary code beside it is low advice (clean verdict)', () => {
    const r = scan(config, { 'modeling_tiny.py': 'import torch\nclass TinyModel: pass\n' }, stubPython);
    expect(r.verdict).toBe('clean');
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ ruleId: 'hfconfig/remote-code', severity: 'low', target: 'repo/config.json', evidence: 'modeling_tiny.TinyConfig' });
    expect(r.findings[0]?.location?.offset).toBeGreaterThan(0);
  });

  it('auto_map with malicious code beside it is as severe as the code, and cites it', () => {
    const r = scan(config, { 'modeling_tiny.py': 'import base64\nexec(base64.b64decode("cHJpbnQoMSk="))\n' }, stubPython);
    expect(r.verdict).toBe('malicious');
    expect(r.findings[0]?.severity).toBe('critical');
    expect(r.findings[0]?.message).toContain('python/exec-decoded');
  });

  it('the code gets its own target and its findings stay out of the config', () => {
    let seen = '';
    const r = scan(config, { 'modeling_tiny.py': 'exec(x)' }, (source, ctx) => {
      seen = ctx.target;
      return stubPython(source, ctx);
    });
    expect(seen).toBe('repo/modeling_tiny.py');
    expect(r.findings.map((f) => f.ruleId)).toEqual(['hfconfig/remote-code']);
  });

  it('scans the code with scanContent by default (plain text until the Python analyser is wired)', () => {
    const r = scan(config, { 'modeling_tiny.py': 'class TinyModel: pass\n' });
    expect(r.findings[0]?.severity).toBe('low');
    const pickled = scan(config, { 'modeling_tiny.py': osSystemPickle() });
    expect(pickled.findings[0]?.severity).toBe('critical');
    expect(pickled.findings[0]?.message).toContain('pickle/dangerous-callable');
  });

  it('code that is not beside the config is medium', () => {
    const r = scan(config, {}, stubPython);
    expect(r.verdict).toBe('suspicious');
    expect(r.findings[0]?.message).toContain('modeling_tiny.py is not beside the config');
  });

  it('code from another repo is medium, even with a file of that name beside the config', () => {
    const r = scan({ model_type: 'x', auto_map: { AutoModel: 'org/repo--modeling_tiny.TinyModel' } }, { 'modeling_tiny.py': 'pass' }, stubPython);
    expect(r.findings[0]).toMatchObject({ severity: 'medium' });
    expect(r.findings[0]?.message).toContain('org/repo');
  });

  it('code over the member limit is medium, and is not read', () => {
    const findings: Finding[] = [];
    const ctx = new ScanContext('repo/config.json', withLimits({ maxMemberBytes: 10 }), findings, { decompressed: 0 }, 0, undefined, (n) =>
      n === 'modeling_tiny.py' ? { name: n, size: 11, read: () => expect.unreachable() as never } : undefined,
    );
    scanHfJson(config, new BufferSource(Buffer.from('{}')), ctx, stubPython);
    expect(findings[0]).toMatchObject({ severity: 'medium' });
  });

  it('a tokenizer config with remote code and a chat template', () => {
    const doc = {
      tokenizer_class: 'XTokenizer',
      auto_map: { AutoTokenizer: ['tokenization_x.XTokenizer', null] },
      chat_template: "{% set s = ''|attr('__cla' + 'ss__') %}{{ self._TemplateReference__context.namespace.__init__.__globals__.os.popen('id').read() }}",
    };
    const r = scan(doc, { 'tokenization_x.py': 'pass' }, stubPython, 'tokenizer_config.json');
    expect(r.format).toBe('hf-tokenizer-config');
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([
      ['hfconfig/remote-code', 'low'],
      ['jinja/template-injection', 'critical'],
    ]);
    expect(r.findings[1]?.message).toMatch(/^chat_template /);
  });

  it('named chat templates are each checked; a template that does not parse is an error', () => {
    const r = scan(
      {
        tokenizer_class: 'T',
        chat_template: [
          { name: 'default', template: '{{ messages }}' },
          { name: 'tool_use', template: '{% if %}' },
        ],
      },
      {},
      undefined,
      'tokenizer_config.json',
    );
    expect(r.verdict).toBe('error');
    expect(r.findings[0]).toMatchObject({ ruleId: 'jinja/malformed-template', code: 'MALFORMED' });
    expect(r.findings[0]?.message).toMatch(/^chat_template\[tool_use\]/);
  });

  it('a chat_template that is not a template is an error', () => {
    expect(scan({ chat_template: 12 }, {}, undefined, 'chat_template.json')).toMatchObject({ format: 'hf-chat-template', verdict: 'error' });
  });

  it('generation configs are named, and clean', () => {
    expect(scan({ bos_token_id: 0, eos_token_id: 2, max_new_tokens: 32 }, {}, undefined, 'generation_config.json')).toMatchObject({
      format: 'hf-generation-config',
      verdict: 'clean',
    });
  });
});

describe('scanChatTemplateFile', () => {
  const run = (text: string) => {
    const findings: Finding[] = [];
    const format = scanChatTemplateFile(
      new BufferSource(Buffer.from(text)),
      new ScanContext('repo/chat_template.jinja', withLimits(), findings, { decompressed: 0 }),
    );
    return { format, findings, verdict: verdictOf(findings) };
  };
  it('checks a template file with the Jinja rules', () => {
    expect(run("{% for m in messages %}{{ m['content'] }}{% endfor %}")).toMatchObject({ format: 'chat-template', verdict: 'clean' });
    const bad = run('{{ joiner.__init__.__globals__.os.popen("id") }}');
    expect(bad.verdict).toBe('malicious');
    expect(bad.findings[0]?.message).toMatch(/^chat_template\.jinja /);
  });
});

describe('remote code that starts processes', () => {
  beforeAll(() => initPython());
  const severityFor = (code: string) => scan(config, { 'modeling_tiny.py': code }).findings.find((f) => f.ruleId === 'hfconfig/remote-code');

  it('a command at module level runs on import: high, with the command and its line', () => {
    const f = severityFor("import os\nfrom transformers import PreTrainedModel\nos.system('echo pwned')\nclass TinyModel(PreTrainedModel):\n    pass\n");
    expect(f).toMatchObject({ severity: 'high' });
    expect(f?.message).toContain("os.system('echo pwned') at line 3, column 1");
  });

  it('a class body runs on import too', () => {
    const f = severityFor("import subprocess\nclass TinyModel:\n    flags = subprocess.check_output(['nvidia-smi'])\n");
    expect(f).toMatchObject({ severity: 'high' });
    expect(f?.message).toContain('subprocess.check_output');
  });

  it('a command inside a method is medium', () => {
    const f = severityFor("import subprocess\nclass TinyModel:\n    def forward(self, x):\n        subprocess.run(['nvidia-smi'])\n        return x\n");
    expect(f).toMatchObject({ severity: 'medium' });
    expect(f?.message).toContain('from a function');
  });

  it('modelling code that imports subprocess but starts nothing stays low', () => {
    const f = severityFor('import subprocess\nimport torch\nclass TinyModel(torch.nn.Module):\n    def forward(self, x):\n        return x * 2\n');
    expect(f).toMatchObject({ severity: 'low' });
  });
});
