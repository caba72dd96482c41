import { libraryCode, type LibraryCodeScan } from '../../../src/detectors/hfconfig/library-code.js';
import { readLibraryCode } from '../../../src/formats/hfconfig/library.js';
import type { CodeVerdict } from '../../../src/formats/hfconfig/model.js';
import { ruleTester } from '../../helpers/rule-tester.js';

interface Input {
  doc: unknown;
  /** Verdicts on repo files beside the config, by name. */
  code?: Record<string, CodeVerdict>;
}

const build = ({ doc, code = {} }: Input): LibraryCodeScan => {
  const refs = readLibraryCode(doc);
  const local = new Map(refs.flatMap((r) => (r.file && code[r.file] ? [[r, { file: r.file, verdict: code[r.file]! }] as const] : [])));
  return { refs, local };
};

const stModules = (...types: string[]) => types.map((type, idx) => ({ idx, name: String(idx), path: idx === 0 ? '' : `${idx}_X`, type }));
const modelIndex = (components: Record<string, unknown>, className: unknown = 'StableDiffusionPipeline') => ({
  _class_name: className,
  _diffusers_version: '0.30.0',
  ...components,
});
const adapter = (parent: string, cls = 'AutoModelForCausalLM') => ({
  peft_type: 'LORA',
  r: 8,
  auto_mapping: { base_model_class: cls, parent_library: parent },
});

ruleTester(libraryCode, build, {
  valid: [
    {
      name: 'sentence-transformers modules of its own',
      input: { doc: stModules('sentence_transformers.models.Transformer', 'sentence_transformers.models.Pooling', 'sentence_transformers.models.Normalize') },
    },
    {
      name: 'a Dense activation under torch',
      input: { doc: { in_features: 4, out_features: 2, bias: true, activation_function: 'torch.nn.modules.activation.Tanh' } },
    },
    { name: 'an activation name without a module selects nothing', input: { doc: { in_features: 4, out_features: 2, activation_function: 'gelu' } } },
    {
      name: 'a CrossEncoder activation under torch',
      input: { doc: { __version__: { sentence_transformers: '5.0.0' }, activation_fn: 'torch.nn.modules.linear.Identity' } },
    },
    {
      name: 'diffusers components from diffusers, transformers and pipeline modules',
      input: {
        doc: modelIndex({
          unet: ['diffusers', 'UNet2DConditionModel'],
          text_encoder: ['transformers', 'CLIPTextModel'],
          safety_checker: ['stable_diffusion', 'StableDiffusionSafetyChecker'],
          feature_extractor: [null, null],
        }),
      },
    },
    { name: 'PEFT auto_mapping into transformers', input: { doc: adapter('transformers') } },
    {
      name: 'PEFT megatron_core under megatron',
      input: { doc: { peft_type: 'LORA', megatron_config: { tensor_model_parallel_size: 2 }, megatron_core: 'megatron.core' } },
    },
    { name: 'PEFT megatron_core without megatron_config is not imported', input: { doc: { peft_type: 'LORA', megatron_config: null, megatron_core: 'os' } } },
    { name: 'a JSON list that is no modules.json', input: { doc: [{ type: 'a.b' }] } },
  ],
  invalid: [
    {
      name: 'a modules.json type outside sentence_transformers whose file is not beside it',
      input: { doc: stModules('sentence_transformers.models.Transformer', 'custom_st.CustomPooling') },
      errors: [
        {
          severity: 'medium',
          message: '[1].type of a sentence-transformers modules.json selects custom_st.CustomPooling',
          evidence: 'custom_st.CustomPooling',
        },
      ],
    },
    {
      name: 'a modules.json module beside the config is graded by its code',
      input: {
        doc: stModules('custom_st.CustomPooling'),
        code: { 'custom_st.py': { status: 'scanned', worst: { ruleId: 'python/exec-decoded', severity: 'critical', message: 'exec of decoded data' } } },
      },
      errors: [{ severity: 'critical', message: 'custom_st.py has python/exec-decoded' }],
    },
    {
      name: 'ordinary code beside the config is low',
      input: { doc: stModules('custom_st.CustomPooling'), code: { 'custom_st.py': { status: 'scanned' } } },
      errors: [{ severity: 'low' }],
    },
    {
      name: 'a Dense activation that is os.system is critical: it is called',
      input: { doc: { in_features: 4, out_features: 2, activation_function: 'os.system' } },
      errors: [{ severity: 'critical', message: 'imports and calls' }],
    },
    {
      name: 'the pre-v4 CrossEncoder activation key in config.json',
      input: { doc: { model_type: 'bert', sbert_ce_default_activation_function: 'mypkg.Act' } },
      errors: [{ severity: 'medium' }],
    },
    {
      name: 'a Router type',
      input: { doc: { types: { query: 'sentence_transformers.models.Transformer', doc: 'router_code.Enc' }, structure: { query: ['q'] }, parameters: {} } },
      errors: [{ severity: 'medium', message: 'types.doc' }],
    },
    {
      name: 'a diffusers component from a repo module file',
      input: { doc: modelIndex({ unet: ['my_unet', 'MyUNet'] }) },
      errors: [{ severity: 'medium', message: 'unet/my_unet.py' }],
    },
    {
      name: 'a diffusers custom pipeline [file, Class] beside the config, graded by its code',
      input: {
        doc: modelIndex({}, ['pipeline_custom', 'CustomPipeline']),
        code: { 'pipeline_custom.py': { status: 'scanned', commands: [{ text: 'id', via: 'os.system', where: 'line 1, column 1', onImport: true }] } },
      },
      errors: [{ severity: 'high', message: "os.system('id')" }],
    },
    {
      name: 'a diffusers component naming subprocess is high',
      input: { doc: modelIndex({ scheduler: ['subprocess', 'Popen'] }) },
      errors: [{ severity: 'critical', evidence: 'subprocess.Popen' }],
    },
    {
      name: 'PEFT auto_mapping outside its import allow-list',
      input: { doc: adapter('evil_lib', 'Model') },
      errors: [{ severity: 'medium', message: 'auto_mapping.parent_library of a PEFT adapter_config.json selects evil_lib.Model' }],
    },
    {
      name: 'PEFT megatron_core naming os is high (imported)',
      input: { doc: { peft_type: 'LORA', megatron_config: { tensor_model_parallel_size: 2 }, megatron_core: 'os' } },
      errors: [{ severity: 'high', message: 'megatron_core', evidence: 'os' }],
    },
  ],
});
