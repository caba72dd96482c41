import { remoteCode } from '../../../src/detectors/hfconfig/remote-code.js';
import type { CodeVerdict, HfConfigScan } from '../../../src/formats/hfconfig/model.js';
import { readHfConfig } from '../../../src/formats/hfconfig/parse.js';
import { ruleTester } from '../../helpers/rule-tester.js';

interface Input {
  doc: Record<string, unknown>;
  /** Verdict per module file; modules not listed were not looked for. */
  code?: Record<string, CodeVerdict>;
}

const build = ({ doc, code = {} }: Input): HfConfigScan => {
  const config = readHfConfig(doc, 'hf-config');
  const verdicts = config.modules.flatMap((m) => {
    const verdict = code[m.file];
    return verdict ? [[m, verdict] as const] : [];
  });
  return { ...config, code: new Map(verdicts), keyOffsets: { auto_map: 10 } };
};
const clean: CodeVerdict = { status: 'scanned' };
const autoMap = { AutoConfig: 'modeling_tiny.TinyConfig', AutoModel: 'modeling_tiny.TinyModel' };

ruleTester(remoteCode, build, {
  valid: [
    { name: 'a config without auto_map', input: { doc: { model_type: 'bert', architectures: ['BertModel'] } } },
    { name: 'auto_map with only nulls', input: { doc: { auto_map: { AutoTokenizer: [null, null] } } } },
  ],
  invalid: [
    {
      name: 'ordinary code beside the config: advice only',
      input: { doc: { auto_map: autoMap }, code: { 'modeling_tiny.py': clean } },
      errors: [
        {
          severity: 'low',
          message: 'loading imports modeling_tiny.py (auto_map.AutoConfig → TinyConfig, auto_map.AutoModel → TinyModel), which needs trust_remote_code=True',
          evidence: 'modeling_tiny.TinyConfig',
        },
      ],
    },
    {
      name: 'code whose own scan is critical makes the config critical and cites it',
      input: {
        doc: { auto_map: autoMap },
        code: {
          'modeling_tiny.py': { status: 'scanned', worst: { ruleId: 'python/exec-decoded', severity: 'critical', message: 'exec of base64-decoded data' } },
        },
      },
      errors: [{ severity: 'critical', message: 'modeling_tiny.py has python/exec-decoded (critical): exec of base64-decoded data' }],
    },
    {
      name: 'code graded medium makes the config medium',
      input: {
        doc: { auto_map: autoMap },
        code: { 'modeling_tiny.py': { status: 'scanned', worst: { ruleId: 'python/x', severity: 'medium', message: 'm' } } },
      },
      errors: [{ severity: 'medium' }],
    },
    {
      name: 'code that starts a process on import is high: loading the model runs it',
      input: {
        doc: { auto_map: autoMap },
        code: { 'modeling_tiny.py': { status: 'scanned', commands: [{ text: 'echo pwned', via: 'os.system', where: 'line 3, column 1', onImport: true }] } },
      },
      errors: [
        {
          severity: 'high',
          message: "modeling_tiny.py starts a process as soon as it is imported, so loading the model runs it: os.system('echo pwned') at line 3, column 1",
        },
      ],
    },
    {
      name: 'a process started from a function is medium, and the one run on import is named first',
      input: {
        doc: { auto_map: autoMap },
        code: {
          'modeling_tiny.py': {
            status: 'scanned',
            commands: [
              { text: 'nvidia-smi', via: 'subprocess.run', where: 'line 9, column 5', onImport: false },
              { text: 'pip install x', via: 'os.system', where: 'line 2, column 1', onImport: true },
            ],
          },
        },
      },
      errors: [{ severity: 'high', message: "os.system('pip install x') at line 2, column 1 and 1 more" }],
    },
    {
      name: 'only from a function: medium',
      input: {
        doc: { auto_map: autoMap },
        code: {
          'modeling_tiny.py': { status: 'scanned', commands: [{ text: 'nvidia-smi', via: 'subprocess.run', where: 'line 9, column 5', onImport: false }] },
        },
      },
      errors: [{ severity: 'medium', message: 'starts a process from a function' }],
    },
    {
      name: 'a worse finding of the code wins over a command',
      input: {
        doc: { auto_map: autoMap },
        code: {
          'modeling_tiny.py': {
            status: 'scanned',
            worst: { ruleId: 'python/exec-decoded', severity: 'critical', message: 'exec' },
            commands: [{ text: 'ls', via: 'os.system', where: 'line 1, column 1', onImport: true }],
          },
        },
      },
      errors: [{ severity: 'critical', message: 'python/exec-decoded' }],
    },
    {
      name: 'a scan that stopped early is said so',
      input: { doc: { auto_map: autoMap }, code: { 'modeling_tiny.py': { status: 'scanned', stoppedEarly: 'MALFORMED' } } },
      errors: [{ severity: 'low', message: 'stopped early (MALFORMED)' }],
    },
    {
      name: 'code not beside the config',
      input: { doc: { auto_map: autoMap }, code: { 'modeling_tiny.py': { status: 'absent', reason: 'modeling_tiny.py is not beside the config' } } },
      errors: [{ severity: 'medium', message: 'cannot be read' }],
    },
    {
      name: 'code in another repo',
      input: {
        doc: { auto_map: { AutoModel: 'org/repo--modeling_x.X' } },
        code: { 'modeling_x.py': { status: 'other-repo', reason: 'it is fetched from another repo (org/repo) at load time' } },
      },
      errors: [{ severity: 'medium', message: 'from the repo org/repo' }],
    },
    { name: 'a module never looked for', input: { doc: { auto_map: { AutoModel: 'm.X' } } }, errors: [{ severity: 'medium', message: 'not looked for' }] },
    {
      name: 'one finding per module',
      input: { doc: { auto_map: { AutoModel: 'a.X', AutoConfig: 'b.Y', AutoTokenizer: ['a.T', 'a.TF'] } }, code: { 'a.py': clean, 'b.py': clean } },
      errors: [
        { severity: 'low', message: 'a.py' },
        { severity: 'low', message: 'b.py' },
      ],
    },
    {
      name: 'custom pipelines',
      input: { doc: { custom_pipelines: { 'text-classification': { impl: 'pipe.MyPipeline' } } }, code: { 'pipe.py': clean } },
      errors: [{ severity: 'low', message: 'custom_pipelines.text-classification.impl → MyPipeline' }],
    },
    {
      name: 'a reference that names no module',
      input: { doc: { auto_map: { AutoModel: 7 } } },
      errors: [{ severity: 'medium', message: 'auto_map.AutoModel is 7' }],
    },
  ],
});
