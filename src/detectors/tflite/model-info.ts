import type { TfliteModel } from '../../formats/tflite/model.js';
import type { Rule } from '../types.js';

/** What the model is: schema version, subgraphs, operator codes, metadata. */
export const modelInfo: Rule<TfliteModel> = {
  meta: {
    id: 'tflite/model-info',
    defaultSeverity: 'info',
    title: 'TFLite model summary',
    description:
      'Reports the schema version, subgraphs, operator and tensor counts, builtin and custom operator codes, metadata entries and signatures of a TFLite model, for provenance and review.',
    docs: 'docs/rules/tflite-model-info.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025'],
  },
  check(model, ctx) {
    const ops = model.subgraphs.reduce((n, s) => n + s.operators, 0);
    const custom = model.opcodes.filter((c) => c.custom !== undefined).map((c) => c.custom);
    const parts = [
      `schema version ${model.version}`,
      `${model.subgraphs.length} subgraph(s), ${ops} operator(s), ${model.opcodes.length} operator code(s)`,
      `${model.buffers} buffer(s)`,
    ];
    if (custom.length > 0) parts.push(`custom: ${custom.slice(0, 16).join(', ')}`);
    if (model.metadata.length > 0) parts.push(`metadata: ${model.metadata.slice(0, 16).join(', ')}`);
    if (model.signatures > 0) parts.push(`${model.signatures} signature(s)`);
    if (model.description) parts.push(`description ${JSON.stringify(model.description.slice(0, 120))}`);
    ctx.report({ message: parts.join('; '), location: { offset: 0 } });
  },
};
