/** What modelgate reads of an ExecuTorch program (`.pte`; executorch schema/program.fbs). */

export interface ExecuTorchOperator {
  /** `namespace::name`, e.g. `aten::add`. */
  name: string;
  overload: string;
  /** The execution plan (method) it belongs to. */
  plan: string;
  offset: number;
}

export interface ExecuTorchProgram {
  /** The file identifier (`ET12`). */
  identifier: string;
  version: number;
  plans: string[];
  operators: ExecuTorchOperator[];
  /** Backend delegate ids (`XnnpackBackend`…), per plan. */
  delegates: string[];
  segments: number;
}
