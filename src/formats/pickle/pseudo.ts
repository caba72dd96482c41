import type { PickleStream } from './model.js';
import { renderValue } from './render.js';

/**
 * What unpickling a stream would do, as readable pseudo-Python: the imports, then each call,
 * object creation, BUILD and container fill in stream order, then the value returned.
 */
export function pseudoPython(stream: PickleStream): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const ref of stream.imports) {
    if (seen.has(ref.path)) continue;
    seen.add(ref.path);
    const written = ref.module !== ref.resolvedModule || ref.name !== ref.resolvedName ? `  # written as ${ref.module}.${ref.name}` : '';
    out.push(`from ${ref.resolvedModule} import ${ref.resolvedName}${written}`);
  }
  type Step = { opIndex: number; text: string };
  const steps: Step[] = [
    ...stream.calls.map((c) => ({ opIndex: c.opIndex, text: `${renderValue(c.object)}  # ${c.op} at ${c.offset}` })),
    ...stream.builds.map((b) => ({ opIndex: b.opIndex, text: `${renderValue(b.target)}.__setstate__(${renderValue(b.state)})  # BUILD at ${b.offset}` })),
    ...stream.mutations.map((m) => ({ opIndex: m.opIndex, text: `${renderValue(m.target)}.${m.op.toLowerCase()}(…)  # ${m.op} at ${m.offset}` })),
    ...stream.dynamicImports.map((d) => ({
      opIndex: d.opIndex,
      text: `find_class(${renderValue(d.module)}, ${renderValue(d.name)})  # STACK_GLOBAL at ${d.offset}`,
    })),
  ].sort((a, b) => a.opIndex - b.opIndex);
  for (const s of steps) out.push(s.text);
  if (stream.result) out.push(`return ${renderValue(stream.result)}`);
  if (stream.error) out.push(`# stream breaks at offset ${stream.error.offset ?? stream.end}: ${stream.error.message} (${stream.error.code})`);
  return out;
}
