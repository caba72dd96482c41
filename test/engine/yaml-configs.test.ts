import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { buildTar } from '../../src/formats/tar/builder.js';
import { osSystemPickle } from '../helpers/pickles.js';
import { scanBytes } from '../helpers/scan-bytes.js';

// Issue 14, points 4 and 5: YAML configs select Python by tags and keys; `!!binary` values are
// bytes a python/object/apply can hand to pickle.loads, scanned as members named by their path.

const hparams = [
  'compute_features: !new:speechbrain.lobes.features.Fbank',
  '  n_mels: 80',
  'embedding_model: !new:speechbrain.lobes.models.ECAPA_TDNN.ECAPA_TDNN',
  '  input_size: 80',
  'opt_class: !name:torch.optim.Adam',
  '  lr: 0.001',
  '',
].join('\n');

describe('YAML configs', () => {
  it('reads a SpeechBrain hyperparams file of library classes as one info finding, clean', async () => {
    const r = await scanBytes(Buffer.from(hparams), { name: 'hyperparams.yaml' });
    expect(r.format).toBe('yaml-config');
    expect(r.verdict).toBe('clean');
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([['yaml/hyperpyyaml-tag', 'info']]);
  });

  it('grades a hyperpyyaml call of os.system critical, whatever the file is called', async () => {
    for (const name of ['hyperparams.yaml', 'f.bin', 'hparams']) {
      const r = await scanBytes(Buffer.from(`${hparams}pwn: !apply:os.system\n  - id\n`), { name });
      expect(r.verdict).toBe('malicious');
      expect(r.findings.find((f) => f.severity === 'critical')).toMatchObject({ ruleId: 'yaml/hyperpyyaml-tag', evidence: 'os.system' });
    }
  });

  it('scans the custom.py a hyperpyyaml tag imports and grades the tag by it', async () => {
    const text = 'encoder: !new:custom.Encoder\n  size: 3\n';
    const benign = await scanBytes(Buffer.from(text), { name: 'hyperparams.yaml', siblings: { 'custom.py': 'class Encoder:\n    pass\n' } });
    expect(benign.findings.map((f) => f.severity)).toEqual(['low']);
    const evil = await scanBytes(Buffer.from(text), {
      name: 'hyperparams.yaml',
      siblings: { 'custom.py': 'import os\nos.system("id")\nclass Encoder:\n    pass\n' },
    });
    expect(evil.verdict).toBe('malicious');
    expect(evil.findings[0]?.message).toContain('custom.py');
  });

  it('flags PyYAML python/object/apply tags by their callable', async () => {
    const r = await scanBytes(Buffer.from('a: !!python/object/apply:subprocess.check_output [[id]]\n'), { name: 'config.yaml' });
    expect(r.verdict).toBe('malicious');
    expect(r.findings[0]).toMatchObject({ ruleId: 'yaml/python-tag', severity: 'critical', evidence: 'subprocess.check_output' });
  });

  it('follows a %TAG directive to the python tags it abbreviates', async () => {
    const r = await scanBytes(Buffer.from('%TAG !p! tag:yaml.org,2002:python/\n---\nx: !p!object/apply:os.system [id]\n'), { name: 'x.yml' });
    expect(r.findings[0]).toMatchObject({ ruleId: 'yaml/python-tag', severity: 'critical' });
  });

  it('scans a !!python/bytes pickle as a member too', async () => {
    const text = `obj: !!python/object/apply:pickle.loads [!!python/bytes ${osSystemPickle().toString('base64')}]\n`;
    const r = await scanBytes(Buffer.from(text), { name: 'config.yaml' });
    expect(r.findings.find((f) => f.target === 'config.yaml!/$.obj[0]')?.ruleId).toBe('pickle/dangerous-callable');
  });

  it('scans a !!binary pickle as a member named by its YAML path', async () => {
    const text = `obj: !!python/object/apply:pickle.loads\n- !!binary ${osSystemPickle().toString('base64')}\n`;
    const r = await scanBytes(Buffer.from(text), { name: 'config.yaml' });
    expect(r.verdict).toBe('malicious');
    expect(r.findings.map((f) => f.target)).toContain('config.yaml!/$.obj[0]');
    expect(r.findings.find((f) => f.target === 'config.yaml!/$.obj[0]')?.ruleId).toBe('pickle/dangerous-callable');
  });

  it('keeps a !!binary value of raw bytes clean: YAML only decodes it, and raw bytes are no model', async () => {
    const raw = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 37 + 11) & 0xff));
    const r = await scanBytes(Buffer.from(`mel_filters: !!binary |\n  ${raw.toString('base64')}\nsample_rate: 16000\n`), { name: 'preprocessor.yaml' });
    expect(r.verdict).toBe('clean');
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.target])).toEqual([['file/unrecognised-format', 'info', 'preprocessor.yaml!/$.mel_filters']]);
  });

  it('grades Hydra _target_ and NeMo target by their callable', async () => {
    const nemo = 'target: nemo.collections.asr.models.EncDecCTCModel\nencoder:\n  _target_: nemo.collections.asr.modules.ConvASREncoder\n';
    const ok = await scanBytes(Buffer.from(nemo), { name: 'model_config.yaml' });
    expect(ok.verdict).toBe('clean');
    expect(ok.findings.map((f) => [f.ruleId, f.severity])).toEqual([['yaml/instantiate-target', 'info']]);
    const odd = await scanBytes(Buffer.from('model:\n  _target_: mypkg.Model\n'), { name: 'model_config.yaml' });
    expect(odd.findings.map((f) => f.severity)).toEqual(['medium']);
    const evil = await scanBytes(Buffer.from('model:\n  _target_: builtins.exec\n  _args_: ["import os"]\n'), { name: 'model_config.yaml' });
    expect(evil.verdict).toBe('malicious');
  });

  it('leaves a target key that selects nothing alone', async () => {
    const r = await scanBytes(Buffer.from('target: 0.5\nloss:\n  target: labels.weights\n'), { name: 'train.yaml' });
    expect(r).toMatchObject({ format: 'text', verdict: 'clean', findings: [] });
  });

  it('reads an MLflow MLmodel loader_module', async () => {
    const mlmodel = (loader: string): Buffer =>
      Buffer.from(
        `artifact_path: model\nflavors:\n  python_function:\n    loader_module: ${loader}\n    python_version: 3.11.4\n    env:\n      conda: conda.yaml\n`,
      );
    const sk = await scanBytes(mlmodel('mlflow.sklearn'), { name: 'MLmodel' });
    expect(sk.verdict).toBe('clean');
    const custom = await scanBytes(mlmodel('my_loader'), { name: 'MLmodel' });
    expect(custom.findings.map((f) => [f.ruleId, f.severity])).toEqual([['yaml/mlflow-loader-module', 'medium']]);
  });

  it('text that is no YAML, or YAML that selects nothing, stays text', async () => {
    for (const text of ['# Notes\n\nSee `_target_: x.y` in {the docs\n', 'dataset:\n  name: x\n']) {
      const r = await scanBytes(Buffer.from(text), { name: 'notes.yaml' });
      expect(r).toMatchObject({ format: 'text', verdict: 'clean', findings: [] });
    }
  });

  it('refuses YAML nested past the limit when it may select code (fatal, never clean)', async () => {
    const r = await scanBytes(Buffer.from(`x: !new:speechbrain.A ${'['.repeat(100)}${']'.repeat(100)}\n`), { name: 'h.yaml' });
    expect(r.verdict).toBe('error');
    expect(r.findings.find((f) => f.fatal)?.code).toBe('LIMIT_DEPTH');
  });

  it('reads a YAML config that begins with a protocol-0 opcode byte as YAML, under any name', async () => {
    // `c` GLOBAL, `(` MARK… : the pickle reading breaks at once, and the text is the YAML it is.
    for (const first of ['compute: !apply:os.system [id]\n', 'I: !apply:os.system [id]\n', 'S: !apply:os.system [id]\n']) {
      const r = await scanBytes(Buffer.from(first), { name: 'f.bin' });
      expect(r.format).toBe('yaml-config');
      expect(r.findings.map((f) => f.ruleId)).toEqual(['yaml/hyperpyyaml-tag']);
    }
  });
});

describe('hyperpyyaml tuple strings', () => {
  it('reads tags inside a (…) string, which hyperpyyaml re-reads with yaml.Loader', async () => {
    const r = await scanBytes(Buffer.from('shape: (!!python/object/apply:os.system [id], 3)\nplain: (1, 2)\n'), { name: 'hyperparams.yaml' });
    expect(r.verdict).toBe('malicious');
    expect(r.findings[0]?.message).toContain('$.shape (tuple)[0]');
  });
});

describe('a text that is a whole pickle and a YAML config at once', () => {
  it('follows both readings: the pickle, and the hyperpyyaml call the YAML makes', async () => {
    // Protocol 0: `V` pushes the line as a string, `.` STOP ends the stream at the `...` line.
    // As YAML: a mapping whose value is tagged !apply:os.system, ended by the `...` marker.
    const polyglot = Buffer.from('Va: !apply:os.system [id]\n...\n');
    const r = await scanBytes(polyglot, { name: 'f.bin' });
    expect(r.format).toBe('pickle');
    expect(r.findings.find((f) => f.ruleId === 'yaml/hyperpyyaml-tag')?.severity).toBe('critical');
  });
});

describe('NeMo archives', () => {
  it('reaches the model_config.yaml inside a .nemo tar (and a gzipped one) and grades its targets', async () => {
    const config = Buffer.from('target: nemo.collections.asr.models.EncDecCTCModel\npreprocessor:\n  _target_: subprocess.Popen\n  args: [[sh, -c, id]]\n');
    const tar = buildTar([
      { name: './model_config.yaml', data: config },
      { name: './model_weights.ckpt', data: Buffer.from('weights') },
    ]);
    for (const [name, bytes] of [
      ['model.nemo', tar],
      ['model-gz.nemo', gzipSync(tar)],
    ] as const) {
      const r = await scanBytes(bytes, { name });
      expect(r.verdict).toBe('malicious');
      const found = r.findings.find((f) => f.ruleId === 'yaml/instantiate-target' && f.severity === 'critical');
      expect(found?.target).toMatch(/model_config\.yaml$/);
    }
  });
});

describe('YAML nesting', () => {
  it('deep indentation alone is no nesting: aligned continuation lines are read', async () => {
    const text = `layers: !new:torch.nn.Sequential [\n${' '.repeat(200)}1, 2]\nx: !apply:os.system [id]\n`;
    const r = await scanBytes(Buffer.from(text), { name: 'h.yaml' });
    expect(r.verdict).toBe('malicious');
  });

  it('block nesting past the limit is refused, never clean', async () => {
    const lines = Array.from({ length: 80 }, (_, i) => `${' '.repeat(i * 2)}k${i}:`);
    const r = await scanBytes(Buffer.from(`x: !new:speechbrain.A\n${lines.join('\n')} 1\n`), { name: 'h.yaml' });
    expect(r.verdict).toBe('error');
    expect(r.findings.find((f) => f.fatal)?.code).toBe('LIMIT_DEPTH');
  });
});
