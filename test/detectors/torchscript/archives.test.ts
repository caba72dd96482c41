import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTorchScriptCode } from '../../../src/formats/torch/torchscript.js';
import { scanBytes } from '../../helpers/scan-bytes.js';

/** Real torch.jit.save archives (test/fixtures/torchscript/generate.py, torch 2.13). */
const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/torchscript/${name}`, import.meta.url));
const findings = async (name: string) => {
  const result = await scanBytes(fixture(name), { name: 'model.pt' });
  return { result, ids: result.findings.map((f) => `${f.ruleId}:${f.severity}`) };
};

describe('TorchScript archives', () => {
  it('knows the members the loader compiles', () => {
    expect(isTorchScriptCode('benign/code/__torch__.py')).toBe(true);
    expect(isTorchScriptCode('archive/code/__torch__/torch/nn/modules/linear.py')).toBe(true);
    expect(isTorchScriptCode('code/__torch__.py')).toBe(true);
    expect(isTorchScriptCode('benign/code/__torch__.py.debug_pkl')).toBe(false);
    expect(isTorchScriptCode('benign/data.pkl')).toBe(false);
    expect(isTorchScriptCode('mycode/x.py')).toBe(false);
  });

  it('a plain scripted model (Linear, ReLU, a __setstate__ setting attributes) is clean', async () => {
    const { result, ids } = await findings('benign.pt');
    expect(ids.filter((id) => !id.endsWith(':low') && !id.endsWith(':info'))).toEqual([]);
    // The __torch__ classes of data.pkl are compiled from code/, which the torchscript rules read.
    expect(ids).toContain('pickle/unknown-global:low');
    expect(result.verdict).toBe('clean');
  });

  it.each(['quantized.pt', 'traced.pt'])('%s (quantized ops and packed params; torch.jit.trace) is clean', async (name) => {
    const { result, ids } = await findings(name);
    expect(ids.filter((id) => !id.endsWith(':low') && !id.endsWith(':info'))).toEqual([]);
    expect(result.verdict).toBe('clean');
  });

  it('a scripted module calling torch.from_file on /etc/passwd is malicious', async () => {
    const { result, ids } = await findings('from-file.pt');
    expect(ids).toContain('torchscript/file-access:high');
    expect(result.verdict).toBe('malicious');
    expect(result.findings.find((f) => f.ruleId === 'torchscript/file-access')?.evidence).toContain('/etc/passwd');
  });

  it('a module calling an op of a custom namespace is suspicious', async () => {
    const { result, ids } = await findings('custom-op.pt');
    expect(ids).toContain('torchscript/custom-op:medium');
    expect(result.verdict).toBe('suspicious');
  });
});
