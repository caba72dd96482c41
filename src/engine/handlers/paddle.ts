import type { ByteSource } from '../../core/byte-source.js';
import { PADDLE_RULES } from '../../detectors/paddle/index.js';
import { parsePaddleParams } from '../../formats/paddle/params.js';
import { parsePaddleProgram } from '../../formats/paddle/program.js';
import type { ScanContext } from '../context.js';

export { looksLikePaddleParams } from '../../formats/paddle/params.js';
export { looksLikePaddleProgram } from '../../formats/paddle/program.js';

/**
 * Scans a PaddlePaddle program (`.pdmodel`, a ProgramDesc): runs the Paddle rules over its ops.
 * A program that cannot be read to its end adds a fatal finding. Returns 'paddle-program'.
 */
export function scanPaddleProgram(source: ByteSource, ctx: ScanContext): string {
  const { model, error } = parsePaddleProgram(source);
  ctx.runRules(PADDLE_RULES, model);
  if (error) ctx.fatal(error, 'Paddle program could not be read to its end');
  return 'paddle-program';
}

/**
 * Scans PaddlePaddle parameters (`.pdiparams`): LoDTensor records, pure data that Paddle copies
 * into tensors. Content that only began like one (no record read, and no `.pdiparams` name) is
 * not this format; a stream that breaks after that is a fatal finding. Returns 'paddle-params'.
 */
export function scanPaddleParams(source: ByteSource, ctx: ScanContext): string | undefined {
  const { model, error } = parsePaddleParams(source);
  if (error) {
    if (model.tensors.length === 0 && !ctx.name.toLowerCase().endsWith('.pdiparams')) return undefined;
    ctx.fatal(error, `Paddle parameters could not be read to their end (${model.tensors.length} tensor(s) read)`);
  }
  return 'paddle-params';
}
