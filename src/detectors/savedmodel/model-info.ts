import type { SavedModel } from '../../formats/savedmodel/model.js';
import type { Rule } from '../types.js';

/** Names listed per item; the count says how many more. */
const LIST_SHOWN = 12;

function list(items: string[]): string {
  return items.slice(0, LIST_SHOWN).join(', ') + (items.length > LIST_SHOWN ? ` and ${items.length - LIST_SHOWN} more` : '');
}

/** What the SavedModel is: schema, meta graphs and tags, TF version, sizes, Keras metadata, fingerprint. */
export const modelInfo: Rule<SavedModel> = {
  meta: {
    id: 'savedmodel/model-info',
    defaultSeverity: 'info',
    title: 'TensorFlow SavedModel summary',
    description:
      'Reports the schema version, meta graphs with their tags and TensorFlow version, node, function and nested-graph counts, signatures, assets, the Keras metadata and the fingerprint of a SavedModel (or the versions of a bare GraphDef), for provenance and review.',
    docs: 'docs/rules/savedmodel-model-info.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025'],
  },
  check(model, ctx) {
    const parts: string[] = [];
    if (model.schemaVersion !== undefined) parts.push(`schema version ${model.schemaVersion}`);
    if (model.graphDef) {
      const { producer, minConsumer, version } = model.graphDef;
      const bits = [
        producer !== undefined && `producer ${producer}`,
        minConsumer !== undefined && `min consumer ${minConsumer}`,
        version !== undefined && `version ${version}`,
      ];
      const known = bits.filter((b): b is string => typeof b === 'string');
      parts.push(`bare GraphDef (frozen graph, no saver)${known.length > 0 ? `: ${known.join(', ')}` : ''}`);
    }
    model.metaGraphs.forEach((meta, i) => {
      const bits = [`tags [${meta.tags.join(',')}]`];
      if (meta.tensorflowVersion) bits.push(`TensorFlow ${meta.tensorflowVersion}`);
      if (meta.signatures.length > 0) bits.push(`signatures ${list(meta.signatures)}`);
      if (meta.assets.length > 0) bits.push(`assets ${list(meta.assets)}`);
      parts.push(`meta graph ${i}: ${bits.join(', ')}`);
    });
    const count = (kind: string): number => model.graphs.filter((g) => g.kind === kind).length;
    parts.push(`${model.nodeCount} nodes; ${count('function')} functions; ${count('nested')} GraphDefs nested in attributes`);
    if (model.keras) {
      const kinds = [...new Set(model.keras.objects.map((o) => o.identifier))];
      parts.push(`keras_metadata.pb: ${model.keras.objects.length} objects (${list(kinds)})`);
    }
    if (model.fingerprint) {
      const fp = model.fingerprint;
      parts.push(
        `fingerprint.pb: checksum ${fp.savedModelChecksum ?? '?'}, graph ${fp.graphDefProgramHash ?? '?'}, signatures ${fp.signatureDefHash ?? '?'}, objects ${fp.savedObjectGraphHash ?? '?'}, checkpoint ${fp.checkpointHash ?? '?'}`,
      );
    }
    ctx.report({
      message: parts.join('; '),
      location: { offset: 0 },
      evidence: model.graphDef ? `GraphDef producer ${model.graphDef.producer ?? '?'}` : model.metaGraphs.map((m) => m.tensorflowVersion ?? '?').join(', '),
    });
  },
};
