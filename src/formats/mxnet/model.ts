/** What modelgate reads of MXNet files (src/ndarray/ndarray.cc, nnvm graph JSON). */

export interface MxnetArray {
  /** Storage type: 0 dense, 1 row_sparse, 2 csr; -1 for the pre-1.0 layout. */
  stype: number;
  shape: number[];
  /** mshadow type flag (0 float32 …), or undefined for an empty (none) array. */
  typeFlag?: number;
  offset: number;
}

/** An NDArray list (`.params`, `mx.nd.save`). */
export interface MxnetParams {
  arrays: MxnetArray[];
  names: string[];
}

export interface MxnetNode {
  op: string;
  name: string;
  /** String attributes (`attrs`, or `attr`/`param` of older files). */
  attrs: Record<string, string>;
  index: number;
}

/** A symbol graph (`-symbol.json`). */
export interface MxnetSymbol {
  nodes: MxnetNode[];
  heads: number;
  /** `attrs.mxnet_version`, when present. */
  version?: number;
}
