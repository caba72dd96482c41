import type { LibraryCodeRef } from './model.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The repo file transformers' get_class_from_dynamic_module reads for `module.Class`. */
const dynamicFile = (path: string): string | undefined => {
  const dot = path.lastIndexOf('.');
  return dot > 0 ? `${path.slice(0, dot).split('.').join('/')}.py` : undefined;
};

const ST_OWN = ['sentence_transformers'];
/** sentence-transformers imports activations under torch.* without trust_remote_code (dense.py, cross_encoder/model.py). */
const ST_ACTIVATIONS = ['torch'];
/** PEFT's get_default_import_allowlist (peft/auto.py): parent libraries it imports without import_allowlist. */
const PEFT_ALLOWED = ['diffusers', 'lerobot', 'megatron-core', 'transformers'];
/**
 * Libraries diffusers' LOADABLE_CLASSES names (pipeline_loading_utils.py), and the diffusers
 * pipeline modules model_index.json files name for components (`stable_diffusion` for the safety
 * checker…), which it resolves with getattr(diffusers.pipelines, name), importing nothing new.
 */
const DIFFUSERS_LIBRARIES = ['diffusers', 'transformers', 'onnxruntime.training'];
const DIFFUSERS_PIPELINE_MODULES = new Set([
  'stable_diffusion',
  'stable_diffusion_xl',
  'stable_diffusion_safe',
  'stable_diffusion_3',
  'latent_diffusion',
  'deepfloyd_if',
  'kandinsky',
  'kandinsky2_2',
  'kandinsky3',
  'wuerstchen',
  'stable_cascade',
  'paint_by_example',
  'alt_diffusion',
  'versatile_diffusion',
  'unclip',
  'audioldm2',
  'musicldm',
  'shap_e',
  'blip_diffusion',
  'pixart_alpha',
  'controlnet',
  't2i_adapter',
  'deprecated',
]);

/** sentence-transformers `modules.json`: a list of `{idx, name, path, type}`; each type goes through import_module_class. */
function sentenceTransformersModules(doc: unknown, out: LibraryCodeRef[]): void {
  if (!Array.isArray(doc) || doc.length === 0) return;
  if (!doc.every((m) => isObject(m) && typeof m.type === 'string' && ('path' in m || 'idx' in m))) return;
  doc.forEach((m, i) => {
    const type = (m as Json).type as string;
    out.push({
      where: `[${i}].type`,
      loader: 'sentence-transformers modules.json',
      action: 'import',
      callable: type,
      trusted: ST_OWN,
      file: dynamicFile(type),
    });
  });
}

/** Keys of sentence-transformers configs that name an activation it import_from_string()s and calls. */
function sentenceTransformersActivations(doc: Json, out: LibraryCodeRef[]): void {
  const add = (where: string, value: unknown, loader: string): void => {
    // import_from_string splits at the last dot: a name without one ("gelu") fails to load, selecting nothing.
    if (typeof value === 'string' && value.includes('.')) out.push({ where, loader, action: 'call', callable: value, trusted: ST_ACTIVATIONS });
  };
  // Dense module config (base/modules/dense.py load): in_features, out_features, activation_function.
  if ('in_features' in doc && 'out_features' in doc) add('activation_function', doc.activation_function, 'sentence-transformers Dense config');
  // CrossEncoder: config_sentence_transformers.json activation_fn, config.json sentence_transformers.activation_fn,
  // and the pre-v4 sbert_ce_default_activation_function (cross_encoder/model.py).
  if ('__version__' in doc) add('activation_fn', doc.activation_fn, 'sentence-transformers CrossEncoder config');
  if (isObject(doc.sentence_transformers))
    add('sentence_transformers.activation_fn', doc.sentence_transformers.activation_fn, 'sentence-transformers CrossEncoder config');
  add('sbert_ce_default_activation_function', doc.sbert_ce_default_activation_function, 'sentence-transformers CrossEncoder config');
}

/** sentence-transformers Router config (base/modules/router.py): each `types` value goes through import_module_class. */
function sentenceTransformersRouter(doc: Json, out: LibraryCodeRef[]): void {
  if (!isObject(doc.types) || !isObject(doc.structure)) return;
  for (const [id, type] of Object.entries(doc.types)) {
    if (typeof type === 'string')
      out.push({
        where: `types.${id}`,
        loader: 'sentence-transformers Router config',
        action: 'import',
        callable: type,
        trusted: ST_OWN,
        file: dynamicFile(type),
      });
  }
}

/**
 * diffusers `model_index.json` (pipeline_utils.py, pipeline_loading_utils.py): `_class_name` as
 * `[file, Class]` loads `<file>.py` from the repo as a custom pipeline; each component `[library,
 * Class]` whose library is neither a known one nor a pipeline module loads
 * `<component>/<library>.py` from the repo when that exists, and imports `library` otherwise.
 */
function diffusersModelIndex(doc: Json, out: LibraryCodeRef[]): void {
  if (!('_diffusers_version' in doc) || !('_class_name' in doc)) return;
  const loader = 'diffusers model_index.json';
  const cls = doc._class_name;
  if (Array.isArray(cls) && typeof cls[0] === 'string' && typeof cls[1] === 'string') {
    out.push({ where: '_class_name', loader, action: 'call', callable: `${cls[0]}.${cls[1]}`, trusted: [], file: `${cls[0]}.py` });
  }
  for (const [component, value] of Object.entries(doc)) {
    if (component.startsWith('_') || !Array.isArray(value) || value.length !== 2) continue;
    const [library, className] = value as unknown[];
    if (typeof library !== 'string' || typeof className !== 'string') continue; // [null, null]: an absent component
    if (DIFFUSERS_PIPELINE_MODULES.has(library)) continue;
    out.push({
      where: component,
      loader,
      action: 'call',
      callable: `${library}.${className}`,
      trusted: DIFFUSERS_LIBRARIES,
      file: `${component}/${library}.py`,
    });
  }
}

/**
 * PEFT `adapter_config.json` `auto_mapping` (peft/auto.py _BaseAutoPeftModel.from_pretrained):
 * importlib.import_module(parent_library), then getattr(base_model_class).from_pretrained.
 */
function peftAutoMapping(doc: Json, out: LibraryCodeRef[]): void {
  if (!('peft_type' in doc)) return;
  // LoRA with megatron_config set imports megatron_core (peft/tuners/lora/tp_layer.py), which
  // PEFT itself only allows under megatron.* (get_default_module_allowlist).
  if (doc.megatron_config && typeof doc.megatron_core === 'string') {
    out.push({ where: 'megatron_core', loader: 'PEFT adapter_config.json', action: 'import', callable: doc.megatron_core, trusted: ['megatron'] });
  }
  if (!isObject(doc.auto_mapping)) return;
  const { parent_library: library, base_model_class: className } = doc.auto_mapping;
  if (typeof library !== 'string') return;
  const callable = typeof className === 'string' ? `${library}.${className}` : library;
  out.push({ where: 'auto_mapping.parent_library', loader: 'PEFT adapter_config.json', action: 'call', callable, trusted: PEFT_ALLOWED });
}

/**
 * Every dotted path a library other than transformers reads from this JSON document and imports
 * or calls (sentence-transformers, diffusers, PEFT), recognised by the document's keys. timm and
 * open_clip configs select architectures from their own registries by name, never by import
 * path, so they add nothing here.
 */
export function readLibraryCode(doc: unknown): LibraryCodeRef[] {
  const out: LibraryCodeRef[] = [];
  sentenceTransformersModules(doc, out);
  if (isObject(doc)) {
    sentenceTransformersActivations(doc, out);
    sentenceTransformersRouter(doc, out);
    diffusersModelIndex(doc, out);
    peftAutoMapping(doc, out);
  }
  return out;
}

/** True when `path` is one of `namespaces` or inside one of them (`torch` covers `torch.nn.Tanh`). */
export function inNamespaces(path: string, namespaces: readonly string[]): boolean {
  return namespaces.some((ns) => path === ns || path.startsWith(`${ns}.`));
}
