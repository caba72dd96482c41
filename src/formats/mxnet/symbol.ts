import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { MxnetNode, MxnetSymbol } from './model.js';

/** Bytes of a symbol JSON read into memory; real graphs are at most tens of megabytes. */
export const MAX_SYMBOL_BYTES = 256 * 1024 * 1024;

/** A head that begins a JSON object whose first key is `nodes`, as nnvm's graph JSON does. */
const SYMBOL_HEAD = /^(\ufeff|\xef\xbb\xbf)?\s*\{\s*"nodes"\s*:\s*\[/;

/** True for a `-symbol.json` name or a head that begins like an nnvm graph. */
export function looksLikeMxnetSymbol(head: Buffer, name: string): boolean {
  return name.toLowerCase().endsWith('-symbol.json') || SYMBOL_HEAD.test(head.toString('latin1'));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** String attributes of a node: `attrs` (MXNet ≥ 0.9), `attr` or `param` (older). */
function attrsOf(node: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['param', 'attr', 'attrs']) {
    const a = node[key];
    if (!isRecord(a)) continue;
    for (const [k, v] of Object.entries(a)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/**
 * Parses an MXNet symbol graph (nnvm JSON: `nodes`, `arg_nodes`, `heads`). Returns undefined
 * when the JSON is not such a graph (no `nodes` list of objects with an `op`, or no `heads`),
 * so the content is read as other JSON; an over-large file is an error.
 */
export function parseMxnetSymbol(source: ByteSource): { model: MxnetSymbol; error?: ModelgateError } | undefined {
  if (source.size > MAX_SYMBOL_BYTES) {
    return {
      model: { nodes: [], heads: 0 },
      error: new ModelgateError('LIMIT_MEMBER_BYTES', `${source.size} bytes is over the ${MAX_SYMBOL_BYTES}-byte limit for a symbol`),
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(new ByteReader(source).text(source.size, 'utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(json) || !Array.isArray(json.nodes) || !Array.isArray(json.heads)) return undefined;
  const nodes: MxnetNode[] = [];
  for (const [index, node] of json.nodes.entries()) {
    if (!isRecord(node) || typeof node.op !== 'string') return undefined;
    nodes.push({ op: node.op, name: typeof node.name === 'string' ? node.name : '', attrs: attrsOf(node), index });
  }
  const version = isRecord(json.attrs) && Array.isArray(json.attrs.mxnet_version) ? Number(json.attrs.mxnet_version[1]) : undefined;
  return { model: { nodes, heads: json.heads.length, version: Number.isFinite(version) ? version : undefined } };
}
