import type { ConfigTemplate, HfConfig, HfConfigKind, RemoteModule } from './model.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasAny = (doc: Json, keys: readonly string[]): boolean => keys.some((k) => Object.hasOwn(doc, k));

/** Keys of transformers' TokenizerBase / PreTrainedTokenizerBase config files. */
const TOKENIZER_KEYS = ['tokenizer_class', 'added_tokens_decoder', 'model_max_length', 'chat_template', 'clean_up_tokenization_spaces', 'tokenizer_file'];
/** Keys of processor, image processor and feature extractor configs. */
const PROCESSOR_KEYS = ['processor_class', 'image_processor_type', 'feature_extractor_type', 'video_processor_type'];
/** Keys of transformers' GenerationConfig. */
const GENERATION_KEYS = [
  '_from_model_config',
  'max_new_tokens',
  'max_length',
  'do_sample',
  'num_beams',
  'temperature',
  'top_k',
  'top_p',
  'repetition_penalty',
  'decoder_start_token_id',
  'forced_bos_token_id',
  'forced_eos_token_id',
  'num_return_sequences',
  'no_repeat_ngram_size',
];
const TOKEN_ID_KEYS = ['bos_token_id', 'eos_token_id', 'pad_token_id', 'transformers_version'];
/** Keys of a model's PretrainedConfig, and of configs that ask for remote code. */
const MODEL_KEYS = ['model_type', 'architectures', 'auto_map', 'custom_pipelines'];

/**
 * Which Hugging Face config a parsed JSON document is, from its keys (transformers'
 * PretrainedConfig, tokenizer, processor and generation configs, chat_template.json), or
 * undefined for any other JSON (a sharded checkpoint index, tokenizer.json...). The file name
 * only breaks ties; it is never the only evidence.
 */
export function classifyHfJson(doc: unknown, name = ''): HfConfigKind | undefined {
  if (!isObject(doc)) return undefined;
  const keys = Object.keys(doc);
  if (keys.length > 0 && keys.every((k) => k === 'chat_template')) return 'hf-chat-template';
  const model = hasAny(doc, ['model_type', 'architectures']);
  if (hasAny(doc, PROCESSOR_KEYS) && !model) return 'hf-processor-config';
  if (hasAny(doc, TOKENIZER_KEYS) && !model) return 'hf-tokenizer-config';
  if (!model && hasAny(doc, GENERATION_KEYS) && (hasAny(doc, TOKEN_ID_KEYS) || name === 'generation_config.json')) return 'hf-generation-config';
  if (hasAny(doc, MODEL_KEYS)) return 'hf-config';
  return undefined;
}

/**
 * A class reference as transformers' dynamic_module_utils reads it: an optional `repo--`
 * prefix, then `module.Class`.
 */
export function parseClassReference(reference: string): { repo?: string; module: string; className: string } | undefined {
  const split = reference.indexOf('--');
  const repo = split >= 0 ? reference.slice(0, split) : undefined;
  const rest = split >= 0 ? reference.slice(split + 2) : reference;
  const dot = rest.lastIndexOf('.');
  if (dot <= 0 || dot === rest.length - 1 || repo === '') return undefined;
  return { repo, module: rest.slice(0, dot), className: rest.slice(dot + 1) };
}

/** A short description of any JSON value, without walking into it (it may nest deeply). */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 200));
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (isObject(value)) return `an object of ${Object.keys(value).length} keys`;
  return String(value);
}

class References {
  readonly modules = new Map<string, RemoteModule>();
  readonly invalid: Array<{ where: string; value: string }> = [];

  add(where: string, value: unknown): void {
    if (value === null) return; // [slow, null]: no class of that kind
    const ref = typeof value === 'string' ? parseClassReference(value) : undefined;
    if (typeof value !== 'string' || !ref) {
      this.invalid.push({ where, value: describe(value) });
      return;
    }
    const key = `${ref.repo ?? ''}\0${ref.module}`;
    let m = this.modules.get(key);
    if (!m) {
      m = { module: ref.module, file: `${ref.module.split('.').join('/')}.py`, repo: ref.repo, uses: [] };
      this.modules.set(key, m);
    }
    m.uses.push({ where, reference: value, className: ref.className });
  }
}

function templatesOf(doc: Json): ConfigTemplate[] {
  if (!Object.hasOwn(doc, 'chat_template')) return [];
  const value = doc.chat_template;
  if (typeof value === 'string') return [{ where: 'chat_template', text: value }];
  // tokenization_utils_base: a list of {"name": ..., "template": ...} for named templates.
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      const name = isObject(item) && typeof item.name === 'string' ? item.name : String(i);
      const where = `chat_template[${name}]`;
      return isObject(item) && typeof item.template === 'string'
        ? { where, text: item.template }
        : { where, problem: 'entry is not a {name, template} object with a string template' };
    });
  }
  return value === null ? [] : [{ where: 'chat_template', problem: `chat_template is a ${typeof value}, not a string or a list of {name, template}` }];
}

/**
 * What a config asks of a loader: the modules `auto_map` and `custom_pipelines` make it import
 * (loading needs trust_remote_code=True), grouped by module, and its chat templates.
 */
export function readHfConfig(doc: Record<string, unknown>, kind: HfConfigKind): HfConfig {
  const refs = new References();
  const autoMap = doc.auto_map;
  if (isObject(autoMap)) {
    for (const [auto, value] of Object.entries(autoMap)) {
      if (Array.isArray(value)) value.forEach((v, i) => refs.add(`auto_map.${auto}[${i}]`, v));
      else refs.add(`auto_map.${auto}`, value);
    }
  } else if (autoMap !== undefined && autoMap !== null) {
    refs.add('auto_map', autoMap);
  }
  const pipelines = doc.custom_pipelines;
  if (isObject(pipelines)) {
    for (const [task, spec] of Object.entries(pipelines)) refs.add(`custom_pipelines.${task}.impl`, isObject(spec) ? spec.impl : spec);
  } else if (pipelines !== undefined && pipelines !== null) {
    refs.add('custom_pipelines', pipelines);
  }
  return { kind, modules: [...refs.modules.values()], invalidReferences: refs.invalid, templates: templatesOf(doc) };
}
