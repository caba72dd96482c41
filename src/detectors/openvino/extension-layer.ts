import type { OpenVinoLayer, OpenVinoModel } from '../../formats/openvino/model.js';
import type { Rule } from '../types.js';

/** Layer types listed per version; the count says how many more. */
const TYPES_SHOWN = 12;

/** Operation sets of OpenVINO itself that are not numbered opsets (its IR deserializer knows them). */
const RUNTIME_SETS = new Set(['experimental', 'internal', 'ie_internal_opset']);

const isOpset = (version: string): boolean => /^opset[0-9]+$/.test(version);

/** IR layers whose version is not an OpenVINO opset: operations an extension library must provide. */
export const extensionLayer: Rule<OpenVinoModel> = {
  meta: {
    id: 'openvino/extension-layer',
    defaultSeverity: 'medium',
    title: 'OpenVINO IR uses operations from outside the OpenVINO opsets',
    description:
      "Each IR layer names its operation type and the operation set it comes from. Types of OpenVINO's numbered opsets (`opset1`…) run the runtime's own kernels and are inert; its experimental and internal sets are low. Any other set (`extension`, a custom name) is resolved by an extension library the app loads with `add_extension`: native code from outside the model, medium.",
    docs: 'docs/rules/openvino-extension-layer.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-829'],
  },
  check(model, ctx) {
    // IR v7 and older had no per-layer versions; OpenVINO 2023+ no longer reads them.
    if (model.irVersion !== undefined && model.irVersion < 10) return;
    const byVersion = new Map<string, OpenVinoLayer[]>();
    for (const layer of model.layers) {
      if (isOpset(layer.version)) continue;
      const list = byVersion.get(layer.version) ?? [];
      list.push(layer);
      byVersion.set(layer.version, list);
    }
    for (const [version, layers] of byVersion) {
      const types = [...new Set(layers.map((l) => l.type))].sort();
      const shown = types.slice(0, TYPES_SHOWN).join(', ') + (types.length > TYPES_SHOWN ? ` and ${types.length - TYPES_SHOWN} more` : '');
      const own = RUNTIME_SETS.has(version);
      const set = version === '' ? 'no operation set' : `operation set "${version}"`;
      ctx.report({
        severity: own ? 'low' : 'medium',
        message: own
          ? `${set} of OpenVINO itself: ${shown}; ${layers.length} layer(s)`
          : `${set}: ${shown}; ${layers.length} layer(s), first "${layers[0]!.name}". Running it needs an extension library from outside the model`,
        location: { offset: layers[0]!.offset },
        evidence: `${version}: ${shown}`,
      });
    }
  },
};
