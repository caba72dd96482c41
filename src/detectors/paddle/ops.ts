import type { Severity } from '../../core/severity.js';

/** Why a Paddle op matters and how it is graded; `pathAttrs` are attributes naming files. */
export interface RiskyPaddleOp {
  severity: Severity;
  /** Grade when a path attribute is absolute or climbs out with `..`. */
  outside?: Severity;
  pathAttrs?: string[];
  why: string;
}

const network: RiskyPaddleOp = {
  severity: 'high',
  pathAttrs: ['endpoints', 'epmap', 'endpoint'],
  why: 'parameter-server op: sends or serves tensors over the network',
};
const fileWrite: RiskyPaddleOp = { severity: 'high', pathAttrs: ['file_path'], why: 'writes tensors to the file named by file_path' };
const fileRead: RiskyPaddleOp = { severity: 'medium', outside: 'high', pathAttrs: ['file_path'], why: 'reads tensors from the file named by file_path' };

/**
 * Paddle ops (paddle/fluid/operators, paddle/phi/ops/yaml) that run Python, touch files or
 * the network when a program runs. An inference program needs none of them.
 */
export const RISKY_PADDLE_OPS: ReadonlyMap<string, RiskyPaddleOp> = new Map<string, RiskyPaddleOp>([
  ['py_func', { severity: 'high', why: 'calls a Python function registered in the loading process (forward_callable_id), outside the program' }],
  ['save', fileWrite],
  ['save_combine', fileWrite],
  ['sparse_tensor_save', fileWrite],
  ['recv_save', fileWrite],
  ['load', fileRead],
  ['load_combine', fileRead],
  ['open_files', { severity: 'medium', outside: 'high', pathAttrs: ['file_names'], why: 'opens the data files named by file_names' }],
  ['send', network],
  ['recv', network],
  ['send_barrier', network],
  ['fetch_barrier', network],
  ['send_and_recv', network],
  ['listen_and_serv', network],
  ['heter_listen_and_serv', network],
  ['checkpoint_notify', network],
  ['prefetch', network],
  ['distributed_lookup_table', network],
  ['distributed_push_sparse', network],
]);
