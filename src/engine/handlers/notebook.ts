import type { ByteSource } from '../../core/byte-source.js';
import { MALFORMED_CONTAINER } from '../../detectors/container/index.js';
import { EMBEDDED_MODEL } from '../../detectors/python/embedded-model.js';
import { buildProgram } from '../../formats/notebook/program.js';
import { isNotebook, readNotebook } from '../../formats/notebook/parse.js';
import type { PythonModule } from '../../formats/python/model.js';
import { MAX_PYTHON_SOURCE_BYTES, parsePython } from '../../formats/python/parse.js';
import type { ScanContext } from '../context.js';
import { scanNestedBytes } from './nested.js';
import { analysePython, modelKind, readyToAnalyse, type Router } from './python.js';

export { isNotebook };

/** Problems listed in one finding; the rest are counted. */
const MAX_PROBLEMS_LISTED = 5;

/**
 * Scans a Jupyter notebook (the JSON document the engine parsed from `source`): its code
 * cells as one Python program, with `!`/`%` shell lines and shell cell magics read as shell
 * commands, checked by the python rules; findings go to `file!/cells/<index>` with byte
 * offsets inside that cell's source. Binary outputs and attachments that hold model bytes
 * are scanned as embedded files. Returns `ipynb`.
 */
export function scanNotebook(doc: unknown, source: ByteSource, ctx: ScanContext): string {
  const content = readNotebook(doc);
  if (content.problems.length > 0) {
    const listed = content.problems.slice(0, MAX_PROBLEMS_LISTED).join('; ');
    const more = content.problems.length > MAX_PROBLEMS_LISTED ? ` (and ${content.problems.length - MAX_PROBLEMS_LISTED} more)` : '';
    ctx.report(MALFORMED_CONTAINER, { message: `notebook of ${source.size} bytes is malformed: ${listed}${more}`, fatal: true, code: 'MALFORMED' });
  }
  const cellContexts = new Map<number, ScanContext>();
  const cellContext = (index: number): ScanContext => {
    let c = cellContexts.get(index);
    if (!c) cellContexts.set(index, (c = ctx.member(`cells/${index}`)));
    return c;
  };
  scanOutputs(content.outputs, ctx);
  if (content.cells.length === 0 || !readyToAnalyse(ctx, 'notebook code')) return 'ipynb';

  // Cells past the source limit are not read; the notebook is then an error, not clean.
  let chars = 0;
  const cells = content.cells.filter((c) => (chars += c.source.length) <= MAX_PYTHON_SOURCE_BYTES);
  if (cells.length < content.cells.length) {
    ctx.report(MALFORMED_CONTAINER, {
      message: `code cells hold more than ${MAX_PYTHON_SOURCE_BYTES} characters; ${content.cells.length - cells.length} cells were not analysed`,
      fatal: true,
      code: 'LIMIT_MEMBER_BYTES',
    });
  }
  const program = buildProgram(cells);
  let model: PythonModule;
  try {
    model = parsePython(program.text, { locate: program.locate, commands: program.commands });
  } catch (e) {
    ctx.report(MALFORMED_CONTAINER, {
      message: `notebook code could not be parsed: ${e instanceof Error ? e.message : String(e)}`,
      fatal: true,
      code: 'MALFORMED',
    });
    return 'ipynb';
  }
  const route: Router = (offset) => {
    if (offset === undefined) return { ctx, offset };
    const cell = program.cellOf(offset);
    return { ctx: cellContext(cell.index), offset: cell.offset };
  };
  analysePython(model, ctx, route);
  return 'ipynb';
}

/** Output and attachment payloads that hold model bytes (a PNG does not) are scanned. */
function scanOutputs(outputs: ReturnType<typeof readNotebook>['outputs'], ctx: ScanContext): void {
  for (const blob of outputs) {
    const kind = modelKind(blob.bytes);
    if (kind === undefined || kind === 'pickle0') continue;
    const member = ctx.member(blob.path);
    member.report(EMBEDDED_MODEL, { message: `notebook output ${blob.path} holds ${kind} data (${blob.bytes.length} bytes); scanned as <embedded>` });
    scanNestedBytes(blob.bytes, undefined, member);
  }
}
