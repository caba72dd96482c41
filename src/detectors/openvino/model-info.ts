import type { OpenVinoModel } from '../../formats/openvino/model.js';
import type { Rule } from '../types.js';

/** What the IR is: name, IR version, layers per opset, its weights file. */
export const modelInfo: Rule<OpenVinoModel> = {
  meta: {
    id: 'openvino/model-info',
    defaultSeverity: 'info',
    title: 'OpenVINO IR summary',
    description:
      'Reports the network name, IR version, layer count, operation sets used and the weights file beside an OpenVINO IR model, for provenance and review.',
    docs: 'docs/rules/openvino-model-info.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025'],
  },
  check(model, ctx) {
    const sets = [...new Set(model.layers.map((l) => l.version || '(none)'))].sort();
    const parts = [
      `network ${JSON.stringify(model.name ?? '')}`,
      `IR version ${model.irVersion ?? 'unknown'}`,
      `${model.layers.length} layer(s)`,
      `operation sets: ${sets.join(', ') || 'none'}`,
    ];
    if (model.weights) {
      const w = model.weights;
      if (w.size === undefined) parts.push(`weights file ${w.name} is not beside it`);
      else
        parts.push(`weights ${w.name} (${w.size} bytes${model.weightsEnd > w.size ? `, shorter than the ${model.weightsEnd} bytes its constants need` : ''})`);
    }
    ctx.report({ message: parts.join('; '), location: { offset: 0 } });
  },
};
