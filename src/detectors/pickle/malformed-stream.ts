import type { PickleStream } from '../../formats/pickle/model.js';
import type { Rule } from '../types.js';

/** The stream broke (bad opcode, bad memo key, no STOP, a limit): the rest was not read. */
export const malformedStream: Rule<PickleStream> = {
  meta: {
    id: 'pickle/malformed-stream',
    defaultSeverity: 'low',
    title: 'Pickle stream is malformed, truncated or over a limit',
    description:
      'Analysis of the stream stopped early. Everything before the break was analysed and is reported; a loader may still have run that part before failing, which is how payload-before-corruption files slip past scanners. A STOP inside a protocol-4 frame, and a frame longer than the data left, are reported too (medium); an opcode whose operand runs past the end of its frame is high (the C unpickler reading a file takes the operand from after the frame, running bytes other readers see as data): unpicklers disagree on where the data after it begins, and on whether such a frame is read at all. modelgate follows every reading.',
    docs: 'docs/rules/pickle-malformed-stream.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', 'CWE-502'],
  },
  check(stream, ctx) {
    if (stream.frameEnd !== undefined) {
      // Picklers end the last frame right after STOP; a STOP inside a frame is crafted.
      ctx.report({
        severity: 'medium',
        message: `pickle stream starting at offset ${stream.start} stops at offset ${stream.end}, inside a frame that ends at ${stream.frameEnd}: the pure-Python unpickler drops the rest of the frame and a reader of the same file goes on at ${stream.frameEnd}, while the C unpickler goes on right after STOP; modelgate read on from both places`,
        location: { offset: stream.end - 1, opIndex: Math.max(0, stream.opcodes - 1) },
      });
    }
    const overrun = stream.frameOverrun;
    if (overrun && !stream.error) {
      // Picklers write each frame's true length. A stream that reaches STOP after a frame past
      // the end was crafted so the two unpicklers disagree; one that breaks as well was cut
      // short, and the break is reported below.
      ctx.report({
        severity: 'medium',
        message: `pickle frame at offset ${overrun.offset} declares ${overrun.length} bytes with ${overrun.left} left: the C unpickler stops there, the pure-Python unpickler (joblib's) takes the rest as the frame and runs it; modelgate read on`,
        location: { offset: overrun.offset },
      });
    }
    for (const straddle of stream.frameStraddles ?? []) {
      ctx.report({
        severity: 'high',
        message: `the opcode at offset ${straddle.offset} (0x${straddle.opcode.toString(16)}) reads past the end of its frame at ${straddle.frameEnd}: the C unpickler reading a file (torch.load, pickle.load, numpy.load) drops the rest of the frame and reads the operand from ${straddle.frameEnd}, so the bytes after it run as another stream of opcodes; no pickler writes this, it hides a second program. Both readings were scanned`,
        location: { offset: straddle.offset },
      });
    }
    const error = stream.error;
    if (!error) return;
    ctx.report({
      message: `pickle stream starting at offset ${stream.start} breaks after ${stream.opcodes} opcodes: ${error.message}`,
      location: { offset: error.offset ?? stream.end, opIndex: Math.max(0, stream.opcodes - 1) },
      fatal: true,
      code: error.code,
    });
  },
};
