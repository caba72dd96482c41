import type { CoreMlModel } from '../../formats/coreml/model.js';
import type { Rule } from '../types.js';

const list = (items: string[], n = 16): string => items.slice(0, n).join(', ') + (items.length > n ? ` and ${items.length - n} more` : '');

/** What the model is: specification version, model types, layers, linked and serialized models. */
export const modelInfo: Rule<CoreMlModel> = {
  meta: {
    id: 'coreml/model-info',
    defaultSeverity: 'info',
    title: 'Core ML model summary',
    description:
      'Reports the specification version, model types (pipeline members included), neural network layer count, linked model files and serialized model identifiers of a Core ML model, for provenance and review.',
    docs: 'docs/rules/coreml-model-info.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025'],
  },
  check(model, ctx) {
    const parts = [`specification version ${model.specificationVersion}`, `types: ${list([...new Set(model.types)]) || 'none'}`];
    if (model.layers > 0) parts.push(`${model.layers} layer(s)`);
    if (model.links.length > 0) parts.push(`linked models: ${list(model.links.map((l) => `${l.fileName} (search path ${JSON.stringify(l.searchPath)})`))}`);
    if (model.serialized.length > 0) parts.push(`serialized models: ${list(model.serialized)}`);
    ctx.report({ message: parts.join('; '), location: { offset: 0 } });
  },
};
