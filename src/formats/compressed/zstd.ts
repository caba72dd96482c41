import { Decompress } from 'fzstd';
import { ModelgateError } from '../../core/errors.js';
import { asDecodeError, StreamOutput, type Decoded, type Room } from './output.js';

/** zstd's default decoder window limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT = 27): larger frames are refused by it. */
const MAX_WINDOW = 2 ** 27;
const FRAME_MAGIC = 0xfd2fb528;
const isSkippable = (magic: number): boolean => (magic & 0xfffffff0) >>> 0 === 0x184d2a50;

/** A frame's header (RFC 8878 3.1.1.1): the window the decoder allocates, the content size it declares, where its blocks start. */
function frameHeader(input: Buffer, pos: number): { window: number; contentSize?: number; at: number } {
  const descriptor = input[pos + 4];
  if (descriptor === undefined) throw new ModelgateError('TRUNCATED', 'zstd frame header is cut short', { offset: pos });
  if (descriptor & 0x08) throw new ModelgateError('MALFORMED', 'zstd frame header has its reserved bit set', { offset: pos + 4 });
  const singleSegment = (descriptor & 0x20) !== 0;
  let at = pos + 5;
  let window = 0;
  if (!singleSegment) {
    const w = input[at++] ?? 0;
    const base = 2 ** (10 + (w >> 3));
    window = base + (base / 8) * (w & 7);
  }
  at += [0, 1, 2, 4][descriptor & 3]!;
  const fcsFlag = descriptor >> 6;
  const fcsBytes = fcsFlag === 0 ? (singleSegment ? 1 : 0) : 2 ** fcsFlag;
  if (at + fcsBytes > input.length) throw new ModelgateError('TRUNCATED', 'zstd frame header is cut short', { offset: pos });
  let contentSize: number | undefined;
  if (fcsBytes > 0)
    contentSize =
      Number(input.readUIntLE(at, Math.min(fcsBytes, 6))) + (fcsBytes === 8 ? input.readUInt16LE(at + 6) * 2 ** 48 : 0) + (fcsBytes === 2 ? 256 : 0);
  if (singleSegment) window = contentSize ?? 0;
  return { window, contentSize, at: at + fcsBytes };
}

/** Where the frame whose blocks start at `at` ends: block headers (3.1.1.2) give every block's size. */
function frameEnd(input: Buffer, at: number, checksum: boolean): number | undefined {
  for (;;) {
    if (at + 3 > input.length) return undefined;
    const header = input.readUIntLE(at, 3);
    const type = (header >> 1) & 3;
    at += 3 + (type === 1 ? 1 : header >>> 3);
    if (header & 1) break;
  }
  at += checksum ? 4 : 0;
  return at <= input.length ? at : undefined;
}

/** Input bytes handed to the zstd decoder at a time. */
const ZSTD_FEED = 64 * 1024;

/**
 * zstd frames (RFC 8878) as a reader across frames takes them (Python's ZstdFile, a
 * DecompressReader): frame after frame, skippable frames skipped, output appended, bytes that
 * start no frame ignored. Each frame's window and declared size are checked before fzstd
 * allocates them (it allocates the whole window up front), and its output streams into the room.
 */
export function unzstdFrames(input: Buffer, room: Room): Decoded {
  const out = new StreamOutput(room);
  let pos = 0;
  for (let n = 1; pos + 4 <= input.length; n++) {
    const magic = input.readUInt32LE(pos);
    if (isSkippable(magic)) {
      pos += 8 + (input.length >= pos + 8 ? input.readUInt32LE(pos + 4) : 0);
      continue;
    }
    if (magic !== FRAME_MAGIC) {
      if (n === 1) throw new ModelgateError('MALFORMED', 'not a zstd frame', { offset: pos });
      break;
    }
    const header = frameHeader(input, pos);
    if (header.window > MAX_WINDOW)
      throw new ModelgateError('MALFORMED', `zstd frame ${n} needs a window of ${header.window} bytes, over the ${MAX_WINDOW} zstd decoders accept`);
    if (header.contentSize !== undefined && header.contentSize > out.left)
      throw new ModelgateError(room.code, `zstd frame ${n} declares ${header.contentSize} bytes, over the ${out.left} left`);
    if (header.window > room.bytes) throw new ModelgateError(room.code, `zstd frame ${n} needs a window of ${header.window} bytes`);
    const end = frameEnd(input, header.at, (input[pos + 4]! & 0x04) !== 0);
    try {
      // Fed 64 KiB at a time, so the ratio limit is checked against the input read so far.
      const data = input.subarray(pos, end ?? input.length);
      let fed = pos;
      const decoder = new Decompress((chunk) => {
        out.checkRatio(fed, `zstd frame ${n}`, chunk.length);
        out.push(Buffer.from(chunk));
      });
      for (let at = 0; at < data.length || at === 0; at += ZSTD_FEED) {
        const piece = data.subarray(at, at + ZSTD_FEED);
        fed = pos + at + piece.length;
        decoder.push(piece, at + ZSTD_FEED >= data.length);
      }
      if (end === undefined) throw new ModelgateError('TRUNCATED', `zstd frame ${n} is cut short`, { offset: pos });
    } catch (e) {
      // A frame whose blocks run past the end is cut, whatever fzstd says of it.
      const decodeError = asDecodeError(e, `zstd frame ${n}`, pos);
      const err =
        end === undefined && !decodeError.code.startsWith('LIMIT_')
          ? new ModelgateError('TRUNCATED', `zstd frame ${n} is cut short`, { offset: pos, cause: e })
          : decodeError;
      if (err.code.startsWith('LIMIT_') || out.size === 0) throw err;
      return out.done(err);
    }
    pos = end;
  }
  return out.done();
}
