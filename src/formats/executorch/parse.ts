import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { FlatBuffer } from '../flatbuffer/reader.js';
import type { ExecuTorchProgram } from './model.js';

/** `ET` and two digits at bytes 4..8: the schema's file_identifier (`ET12` today). */
const IDENTIFIER = /^ET[0-9]{2}$/;

/** True when bytes 4..8 are an ExecuTorch file identifier. */
export function isExecuTorch(head: Buffer): boolean {
  return head.length >= 8 && IDENTIFIER.test(head.toString('latin1', 4, 8));
}

/**
 * Parses an ExecuTorch program flatbuffer: every execution plan's name, operators (name and
 * overload) and backend delegate ids, and the segment count. Tensor data, delegate blobs and
 * instructions are not read. Fail closed: a bad offset or vtable ends the parse with `error`.
 */
export function parseExecuTorch(source: ByteSource): { model: ExecuTorchProgram; error?: ModelgateError } {
  const model: ExecuTorchProgram = { identifier: '', version: 0, plans: [], operators: [], delegates: [], segments: 0 };
  try {
    const fb = new FlatBuffer(source);
    model.identifier = fb.identifier();
    if (!IDENTIFIER.test(model.identifier))
      throw new ModelgateError('MALFORMED', `file identifier ${JSON.stringify(model.identifier)} is not ET..`, { offset: 4 });
    const root = fb.root();
    // Program: version 0, execution_plan 1, constant_buffer 2, backend_delegate_data 3, segments 4.
    model.version = root.u32(0);
    model.segments = root.vector(4, 4)?.length ?? 0;
    for (const plan of root.tables(1)) {
      // ExecutionPlan: name 0, container_meta_type 1, values 2, inputs 3, outputs 4, chains 5, operators 6, delegates 7.
      const name = plan.string(0) ?? '';
      model.plans.push(name);
      for (const op of plan.tables(6)) model.operators.push({ name: op.string(0) ?? '', overload: op.string(1) ?? '', plan: name, offset: op.pos });
      // BackendDelegate: id 0.
      for (const d of plan.tables(7)) model.delegates.push(d.string(0) ?? '');
    }
    if (model.plans.length === 0) throw new ModelgateError('MALFORMED', 'ExecuTorch program has no execution plan');
    return { model };
  } catch (e) {
    return { model, error: e instanceof ModelgateError ? e : new ModelgateError('MALFORMED', String(e), { cause: e }) };
  }
}
