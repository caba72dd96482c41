import { describe, expect, it } from 'vitest';
import { classifyHfJson, parseClassReference, readHfConfig } from '../../../src/formats/hfconfig/parse.js';

describe('classifyHfJson', () => {
  it.each([
    ['a model config', { architectures: ['BertModel'], model_type: 'bert', hidden_size: 16 }, 'config.json', 'hf-config'],
    ['a model config with a tokenizer_class', { model_type: 't5', tokenizer_class: 'T5Tokenizer' }, 'config.json', 'hf-config'],
    ['remote code only', { auto_map: { AutoModel: 'm.M' } }, 'x.json', 'hf-config'],
    ['custom pipelines only', { custom_pipelines: {} }, 'x.json', 'hf-config'],
    ['a tokenizer config', { tokenizer_class: 'LlamaTokenizer', bos_token: '<s>', model_max_length: 2048 }, 'tokenizer_config.json', 'hf-tokenizer-config'],
    ['a tokenizer config whatever its name', { added_tokens_decoder: {}, chat_template: '{{ x }}' }, 'weird.json', 'hf-tokenizer-config'],
    [
      'a processor config',
      { processor_class: 'LlavaProcessor', image_processor_type: 'CLIPImageProcessor' },
      'preprocessor_config.json',
      'hf-processor-config',
    ],
    ['a feature extractor', { feature_extractor_type: 'WhisperFeatureExtractor', sampling_rate: 16000 }, 'preprocessor_config.json', 'hf-processor-config'],
    [
      'a generation config',
      { _from_model_config: true, bos_token_id: 1, eos_token_id: 2, transformers_version: '4.40.0' },
      'generation_config.json',
      'hf-generation-config',
    ],
    ['a minimal generation config', { bos_token_id: 0, eos_token_id: 2, max_new_tokens: 32 }, 'anything.json', 'hf-generation-config'],
    ['chat_template.json', { chat_template: '{{ messages }}' }, 'chat_template.json', 'hf-chat-template'],
    ['a sharded checkpoint index', { metadata: { total_size: 60 }, weight_map: { 'fc.bias': 'model.safetensors' } }, 'model.safetensors.index.json', undefined],
    ['a tokenizer.json', { version: '1.0', truncation: null, added_tokens: [], model: { type: 'BPE' } }, 'tokenizer.json', undefined],
    ['an empty object named config.json (a name is no evidence)', {}, 'config.json', undefined],
    ['an array', [{ model_type: 'bert' }], 'config.json', undefined],
    ['a string', 'model_type', 'config.json', undefined],
    ['null', null, 'config.json', undefined],
    ['sampling keys without ids or the name', { temperature: 0.7, top_p: 0.9 }, 'settings.json', undefined],
  ])('%s', (_name, doc, name, kind) => {
    expect(classifyHfJson(doc, name)).toBe(kind);
  });
});

describe('parseClassReference', () => {
  it.each([
    ['modeling_tiny.TinyModel', { module: 'modeling_tiny', className: 'TinyModel' }],
    ['THUDM/chatglm-6b--modeling_chatglm.ChatGLMModel', { repo: 'THUDM/chatglm-6b', module: 'modeling_chatglm', className: 'ChatGLMModel' }],
    ['pkg.sub.Cls', { module: 'pkg.sub', className: 'Cls' }],
  ])('%s', (ref, parsed) => {
    expect(parseClassReference(ref)).toEqual({ repo: undefined, ...parsed });
  });
  it.each(['NoDot', '.Cls', 'mod.', '--mod.Cls', ''])('rejects %j', (ref) => {
    expect(parseClassReference(ref)).toBeUndefined();
  });
});

describe('readHfConfig', () => {
  it('reads every auto_map value shape and groups classes by module', () => {
    const c = readHfConfig(
      {
        auto_map: {
          AutoConfig: 'configuration_x.XConfig',
          AutoModel: 'modeling_x.XModel',
          AutoModelForCausalLM: 'modeling_x.XForCausalLM',
          AutoTokenizer: ['tokenization_x.XTokenizer', null],
          AutoProcessor: 'org/other--processing_x.XProcessor',
        },
      },
      'hf-config',
    );
    expect(c.modules.map((m) => [m.file, m.repo, m.uses.map((u) => `${u.where}=${u.className}`)])).toEqual([
      ['configuration_x.py', undefined, ['auto_map.AutoConfig=XConfig']],
      ['modeling_x.py', undefined, ['auto_map.AutoModel=XModel', 'auto_map.AutoModelForCausalLM=XForCausalLM']],
      ['tokenization_x.py', undefined, ['auto_map.AutoTokenizer[0]=XTokenizer']],
      ['processing_x.py', 'org/other', ['auto_map.AutoProcessor=XProcessor']],
    ]);
    expect(c.invalidReferences).toEqual([]);
  });

  it('reads custom_pipelines impl references', () => {
    const c = readHfConfig(
      { custom_pipelines: { 'pair-classification': { impl: 'custom_pipeline.PairPipeline', pt: ['AutoModelForSequenceClassification'] } } },
      'hf-config',
    );
    expect(c.modules[0]).toMatchObject({
      file: 'custom_pipeline.py',
      uses: [{ where: 'custom_pipelines.pair-classification.impl', className: 'PairPipeline' }],
    });
  });

  it('keeps references it cannot read as invalid', () => {
    const c = readHfConfig({ auto_map: { AutoModel: 42, AutoConfig: 'nodot', AutoTokenizer: [{ a: 1 }] }, custom_pipelines: { t: { pt: [] } } }, 'hf-config');
    expect(c.modules).toEqual([]);
    expect(c.invalidReferences.map((r) => r.where)).toEqual([
      'auto_map.AutoModel',
      'auto_map.AutoConfig',
      'auto_map.AutoTokenizer[0]',
      'custom_pipelines.t.impl',
    ]);
  });

  it('maps dotted modules to sub-folder files', () => {
    expect(readHfConfig({ auto_map: { AutoModel: 'pkg.mod.Cls' } }, 'hf-config').modules[0]!.file).toBe('pkg/mod.py');
  });

  it('reads chat templates as a string or a list of {name, template}', () => {
    expect(readHfConfig({ chat_template: '{{ x }}' }, 'hf-tokenizer-config').templates).toEqual([{ where: 'chat_template', text: '{{ x }}' }]);
    expect(
      readHfConfig(
        {
          chat_template: [
            { name: 'default', template: 'a' },
            { name: 'tool_use', template: 'b' },
            { name: 'bad', template: 3 },
          ],
        },
        'hf-tokenizer-config',
      ).templates,
    ).toEqual([
      { where: 'chat_template[default]', text: 'a' },
      { where: 'chat_template[tool_use]', text: 'b' },
      { where: 'chat_template[bad]', problem: expect.stringContaining('not a {name, template}') },
    ]);
    expect(readHfConfig({ chat_template: 5 }, 'hf-tokenizer-config').templates[0]!.problem).toMatch(/number/);
    expect(readHfConfig({ chat_template: null }, 'hf-tokenizer-config').templates).toEqual([]);
  });
});
