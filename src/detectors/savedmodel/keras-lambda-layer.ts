import type { SavedModel } from '../../formats/savedmodel/model.js';
import type { Rule } from '../types.js';

/** JSON nesting followed when looking for layers; Keras configs nest models a few levels. */
const MAX_JSON_DEPTH = 64;

/** Characters of a marshalled function shown. */
const SHOWN = 80;

interface LambdaLayer {
  name: string;
  functionType: string;
  detail: string;
}

/** A Lambda layer's function: marshalled bytecode (`lambda`) or a name looked up in `module` (`function`). */
function describe(config: Record<string, unknown>): LambdaLayer {
  const name = typeof config.name === 'string' ? config.name : '?';
  const functionType = typeof config.function_type === 'string' ? config.function_type : '?';
  const fn = config.function;
  let detail: string;
  if (typeof fn === 'string') detail = fn;
  else if (fn && typeof fn === 'object' && Array.isArray((fn as { items?: unknown }).items)) detail = String((fn as { items: unknown[] }).items[0]);
  else detail = JSON.stringify(fn ?? null);
  if (typeof config.module === 'string') detail = `${config.module}: ${detail}`;
  return { name, functionType, detail: detail.length > SHOWN ? `${detail.slice(0, SHOWN)}…` : detail };
}

/** Every `{"class_name": "Lambda", "config": {...}}` in a parsed JSON value. */
function findLambdas(value: unknown, out: LambdaLayer[], depth = 0): void {
  if (depth > MAX_JSON_DEPTH || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) findLambdas(item, out, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  if (record.class_name === 'Lambda' && record.config && typeof record.config === 'object') out.push(describe(record.config as Record<string, unknown>));
  for (const v of Object.values(record)) findLambdas(v, out, depth + 1);
}

/** Lambda layers in keras_metadata.pb: Keras rebuilds them from Python code stored in the model. */
export const kerasLambdaLayer: Rule<SavedModel> = {
  meta: {
    id: 'savedmodel/keras-lambda-layer',
    defaultSeverity: 'high',
    title: 'Keras metadata of a SavedModel holds a Lambda layer',
    description:
      'keras_metadata.pb beside saved_model.pb describes a Lambda layer. Its function is marshalled Python bytecode (or a name looked up in a module) that tf.keras.models.load_model rebuilds and runs when the model is called, outside the TensorFlow graph.',
    docs: 'docs/rules/savedmodel-keras-lambda-layer.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011.000', 'OWASP LLM03:2025', 'CWE-94', 'CWE-502'],
  },
  check(model, ctx) {
    const reported = new Set<string>();
    for (const object of model.keras?.objects ?? []) {
      let layers: LambdaLayer[] = [];
      try {
        findLambdas(JSON.parse(object.metadata), layers);
      } catch {
        // Cut or broken JSON: fall back to the text, so a Lambda is never missed.
        if (/"class_name"\s*:\s*"Lambda"/.test(object.metadata)) layers = [{ name: '?', functionType: '?', detail: 'metadata JSON could not be parsed' }];
      }
      for (const layer of layers) {
        const key = `${layer.name}\u0000${layer.detail}`;
        if (reported.has(key)) continue;
        reported.add(key);
        ctx.report({
          message: `keras_metadata.pb object ${object.path || object.identifier} has Lambda layer "${layer.name}" (function_type ${layer.functionType}); loading it with Keras runs its Python function`,
          location: { offset: object.offset },
          evidence: layer.detail,
        });
      }
    }
  },
};
