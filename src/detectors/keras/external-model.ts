import type { KerasModel, KerasObject } from '../../formats/keras/model.js';
import type { Rule } from '../types.js';

/** `TFSMLayer(filepath=...)` (Keras 3) loads a TF SavedModel; hub `KerasLayer(handle=...)` a hub model. */
const TFSM_LAYER = /(^|[.>])TFSMLayer$/;
const HUB_LAYER = /(^|[.>])KerasLayer$/;

/** A URL (`https://`, `gs://`, `s3://`, `file://`...), an absolute or home path, or one that climbs out with `..`. */
function reachesOutside(location: string): string | undefined {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(location)) return 'a URL';
  if (/^([/\\~]|[A-Za-z]:[/\\])/.test(location)) return 'an absolute path';
  if (/(^|[/\\])\.\.([/\\]|$)/.test(location)) return 'a path that climbs out of the model folder';
  return undefined;
}

function externalLocation(o: KerasObject): { kind: string; location: string | undefined } | undefined {
  if (TFSM_LAYER.test(o.className)) return { kind: 'a TensorFlow SavedModel (TFSMLayer)', location: o.locations.filepath ?? o.locations.path };
  if (HUB_LAYER.test(o.className) && (o.locations.handle !== undefined || o.module?.startsWith('tensorflow_hub'))) {
    return { kind: 'a TF Hub model (hub.KerasLayer)', location: o.locations.handle };
  }
  return undefined;
}

/**
 * Layers that load another model when the Keras model is loaded. The loaded model is not in
 * the file, so it was not scanned, and whoever controls its location controls what runs.
 */
export const externalModel: Rule<KerasModel> = {
  meta: {
    id: 'keras/external-model',
    defaultSeverity: 'medium',
    title: 'Keras layer loads an external model',
    description:
      'A TFSMLayer or TF Hub KerasLayer loads a SavedModel from a path or URL when the Keras model is loaded. That model is not part of the scanned file and can run its own ops; a URL or an absolute path (high) lets whoever controls that location change the model after it was reviewed.',
    docs: 'docs/rules/keras-external-model.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0018', 'OWASP LLM03:2025', 'OWASP LLM04:2025', 'CWE-829', 'CWE-73'],
  },
  check(model, ctx) {
    for (const o of model.objects) {
      const external = externalLocation(o);
      if (!external) continue;
      const layer = o.layerName !== undefined ? `layer ${JSON.stringify(o.layerName)}` : `the layer at ${o.path}`;
      const { kind, location } = external;
      if (location === undefined) {
        ctx.report({ message: `${layer} loads ${kind} from a location its config does not give as text`, evidence: `${o.path}: ${o.className}` });
        continue;
      }
      const outside = reachesOutside(location);
      ctx.report({
        severity: outside ? 'high' : 'medium',
        message: `${layer} loads ${kind} from ${JSON.stringify(location)}${outside ? `, ${outside}` : ''}; that model is not in this file and was not scanned`,
        evidence: `${o.path}: ${o.className}(${JSON.stringify(location)})`,
      });
    }
  },
};
