/** What modelgate reads of PaddlePaddle files (paddle/fluid/framework/framework.proto). */

/** One OpDesc of a block. */
export interface PaddleOp {
  type: string;
  block: number;
  /** String attributes that may name files or addresses (`file_path`, `endpoints`…), as written. */
  strings: Array<{ name: string; value: string }>;
  offset: number;
}

/** A ProgramDesc (`.pdmodel`, `__model__`). */
export interface PaddleProgram {
  blocks: number;
  vars: number;
  ops: PaddleOp[];
  /** ProgramDesc.version.version. */
  version?: number;
}

/** One tensor of a `.pdiparams` stream (save_combine). */
export interface PaddleTensor {
  dataType: number;
  dims: number[];
  lodLevels: number;
  /** Offset of the tensor's record, and of its data. */
  offset: number;
  dataOffset: number;
  dataBytes: number;
}

export interface PaddleParams {
  tensors: PaddleTensor[];
}
