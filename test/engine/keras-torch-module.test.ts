import { describe, expect, it } from 'vitest';
import { k3Layer, k3Sequential } from '../../src/formats/keras/builder.js';
import { buildZip } from '../../src/formats/zip/builder.js';
import { osSystemPickle, plainPickle } from '../helpers/pickles.js';
import { scanBytes } from '../helpers/scan-bytes.js';

// Issue 14, point 5: a Keras 3 TorchModuleWrapper keeps its torch module as base64 of
// torch.save bytes in config.module; TorchModuleWrapper.from_config (keras/src/utils/torch_utils.py)
// b64decodes it and torch.load()s it with weights_only=False when safe_mode is off. Those bytes
// are scanned as a member named by the field's JSON path.

const wrapper = (bytes: Buffer) =>
  k3Sequential([
    k3Layer('TorchModuleWrapper', 'torch_module_wrapper', { module: bytes.toString('base64'), output_shape: null }, 'keras.src.utils.torch_utils'),
  ]);
const path = '$.config.layers[0].config.module';

describe('Keras TorchModuleWrapper', () => {
  it('scans the module bytes of a config saved on its own, with the JSON path in the target', async () => {
    const r = await scanBytes(Buffer.from(JSON.stringify(wrapper(osSystemPickle()))), { name: 'config.json' });
    expect(r.verdict).toBe('malicious');
    const inner = r.findings.filter((f) => f.target === `config.json!/${path}`);
    expect(inner.map((f) => f.ruleId)).toContain('pickle/dangerous-callable');
  });

  it('scans the module bytes inside a .keras archive', async () => {
    const archive = buildZip([
      { name: 'metadata.json', data: Buffer.from(JSON.stringify({ keras_version: '3.15.1' })) },
      { name: 'config.json', data: Buffer.from(JSON.stringify(wrapper(osSystemPickle()))) },
    ]);
    const r = await scanBytes(archive, { name: 'model.keras' });
    expect(r.verdict).toBe('malicious');
    expect(r.findings.some((f) => f.target === `model.keras!/config.json!/${path}` && f.ruleId === 'pickle/dangerous-callable')).toBe(true);
  });

  it('an inert module pickle adds nothing malicious', async () => {
    const r = await scanBytes(Buffer.from(JSON.stringify(wrapper(plainPickle()))), { name: 'config.json' });
    expect(r.findings.filter((f) => f.target.endsWith(path) && (f.severity === 'high' || f.severity === 'critical'))).toEqual([]);
  });
});
