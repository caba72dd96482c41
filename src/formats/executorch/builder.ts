import { fb, flatbuffer } from '../flatbuffer/builder.js';

/** Test-only: an ExecuTorch program (program.fbs) with one method per plan and the given operators and delegates. */
export function executorchProgram(plans: Array<{ name: string; ops: Array<[string, string]>; delegates?: string[] }>, identifier = 'ET12'): Buffer {
  const planTables = plans.map((p) =>
    fb.table(
      fb.str(p.name),
      undefined,
      fb.tables(),
      fb.i32s(0),
      fb.i32s(1),
      fb.tables(),
      fb.tables(...p.ops.map(([name, overload]) => fb.table(fb.str(name), fb.str(overload)))),
      fb.tables(...(p.delegates ?? []).map((id) => fb.table(fb.str(id)))),
    ),
  );
  return flatbuffer(fb.table(fb.u32(0), fb.tables(...planTables), fb.tables(), fb.tables(), fb.tables()), identifier);
}
