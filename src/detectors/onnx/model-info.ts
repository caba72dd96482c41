import type { OnnxModel } from '../../formats/onnx/model.js';
import type { Rule } from '../types.js';

/** Metadata entries and external files listed; the count says how many more. */
const LIST_SHOWN = 16;

/** Characters of one metadata value shown. */
const VALUE_SHOWN = 120;

const cut = (s: string): string => (s.length > VALUE_SHOWN ? `${s.slice(0, VALUE_SHOWN)}…` : s);

function list(items: string[]): string {
  return items.slice(0, LIST_SHOWN).join(', ') + (items.length > LIST_SHOWN ? ` and ${items.length - LIST_SHOWN} more` : '');
}

/** What the model is: IR version, producer, opsets, metadata, sizes, external files. */
export const modelInfo: Rule<OnnxModel> = {
  meta: {
    id: 'onnx/model-info',
    defaultSeverity: 'info',
    title: 'ONNX model summary',
    description:
      'Reports the IR version, producer, operator set imports, metadata, node and subgraph counts, model-local functions and external data files of an ONNX model, for provenance and review.',
    docs: 'docs/rules/onnx-model-info.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025'],
  },
  check(model, ctx) {
    const parts: string[] = [];
    if (model.irVersion !== undefined) parts.push(`IR version ${model.irVersion}`);
    const producer = [model.producerName, model.producerVersion].filter(Boolean).join(' ');
    if (producer) parts.push(`producer ${producer}`);
    if (model.domain) parts.push(`domain ${model.domain}`);
    if (model.modelVersion !== undefined) parts.push(`model version ${model.modelVersion}`);
    const opsets = model.opsetImports.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`);
    parts.push(`opsets: ${opsets.length > 0 ? list(opsets) : 'none'}`);
    parts.push(`${model.nodes.length} nodes in ${model.graphCount} graph(s)${model.maxGraphDepth > 0 ? `, subgraphs ${model.maxGraphDepth} deep` : ''}`);
    if (model.functions.length > 0) parts.push(`functions: ${list(model.functions.map((f) => `${f.domain}.${f.name}`))}`);
    const files = [...new Set(model.externalData.map((e) => e.location).filter((l): l is string => l !== undefined))];
    if (files.length > 0) {
      const missing = model.externalData.filter((e) => e.present === false).map((e) => e.location);
      parts.push(`external data files: ${list(files)}${missing.length > 0 ? ` (not beside the model: ${list([...new Set(missing as string[])])})` : ''}`);
    }
    if (model.metadata.length > 0) parts.push(`metadata: ${list(model.metadata.map((m) => `${m.key}=${cut(m.value)}`))}`);
    ctx.report({ message: parts.join('; '), location: { offset: 0 }, evidence: opsets.join(', ') });
  },
};
