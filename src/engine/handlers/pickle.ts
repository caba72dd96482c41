import { ByteReader } from '../../core/byte-reader.js';
import { BufferSource, type ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { MALFORMED_CONTAINER, TRAILING_DATA } from '../../detectors/container/index.js';
import { PICKLE_RULES } from '../../detectors/pickle/index.js';
import { actsBeyondImports, failsAtFirstImport, hasActivity } from '../../formats/pickle/activity.js';
import type { PickleStream, PValue } from '../../formats/pickle/model.js';
import { parsePickleStream } from '../../formats/pickle/parse.js';
import { Budget } from '../../formats/pickle/slots.js';
import { recogniseInert } from '../../formats/inert/format.js';
import type { ScanContext } from '../context.js';
import { nestedLoaderBytes } from '../../detectors/pickle/nested-loaders.js';
import { classifyOther } from '../sniff.js';
import { MIN_EMBEDDED, scanNestedBytes } from './nested.js';
import { JoblibArrays } from './joblib.js';
import { legacyPersistentLoad, skipLegacyStorages, isLegacyMagic } from './torch-legacy.js';

/** PROTO followed by a protocol CPython knows: a pickle beyond doubt. */
export function hasPickleProto(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x80 && head[1]! <= 5;
}

export { hasActivity };

/** True when a stream imported or looked up extension codes, and called, built and mutated nothing. */
function onlyLooksUp(s: PickleStream): boolean {
  return s.calls.length + s.dynamicImports.length + s.builds.length + s.mutations.length === 0;
}

export interface PickleScanOptions {
  /**
   * Probe mode, for members no loader is known to unpickle: report only when the bytes are
   * complete pickle streams to their very end, and otherwise stay silent.
   */
  probe?: boolean;
  /**
   * Content taken by its first byte alone (a protocol-0 opcode), which the registry reads as
   * text when this answers undefined: text whose stream breaks at an import nothing can resolve
   * is left to that reading. Containers that unpickle a member by its name leave it unset.
   */
  weak?: boolean;
  /** Receives the streams read (containers use their persistent ids). */
  onStreams?: (streams: PickleStream[]) => void;
}

/**
 * Pickles up to this size (not a probe of unknown bytes) are read into memory once (a file's bytes, or a view of bytes already
 * in memory): the memo plan and the interpreter then read the same buffer, instead of each
 * allocating a window per 4 MiB that lives until the next full garbage collection.
 */
const READ_WHOLE = 64 * 1024 * 1024;

/**
 * Reads every pickle stream of `source` the way a loader would, then as a careful reader
 * would: after each STOP it reads on while the bytes parse as another pickle; legacy torch
 * storages and joblib arrays are skipped by their declared sizes. Returns the format found,
 * or undefined when the bytes are not a pickle (nothing is reported then).
 */
export function scanPickle(source: ByteSource, ctx: ScanContext, options: PickleScanOptions = {}): string | undefined {
  const reader = new ByteReader(!options.probe && source.size <= READ_WHOLE ? new BufferSource(source.read(0, source.size)) : source);
  const joblib = new JoblibArrays(ctx);
  let persistentLoad: ((pid: PValue) => PValue | undefined) | undefined;
  // One memory budget for every stream of the file: they all stay alive until the rules run.
  const budget = new Budget(ctx.limits.maxSymbolicBytes);
  // Only the rules read these streams, unless an observer (convert, inspect) wants their values
  // or a legacy checkpoint's storage keys are read from them.
  const resultUnread = (): boolean => ctx.observer === undefined && persistentLoad === undefined;
  const parse = (): PickleStream =>
    parsePickleStream(reader, {
      limits: ctx.limits,
      afterBuild: joblib.afterBuild,
      readsAfterBuild: joblib.readsAfterBuild,
      persistentLoad,
      budget,
      resultUnread: resultUnread(),
    });
  const first = parse();
  const streams: PickleStream[] = [first];
  let format = 'pickle';

  // A stream that stopped at a limit was a pickle as far as it was read (millions of valid
  // opcodes, a memory budget spent): it is never dismissed as text or as no pickle at all.
  if (first.error && !atLimit(first)) {
    // A first stream that breaks before doing anything, without PROTO, is not a pickle.
    if (options.probe || (!hasPickleProto(source.read(0, 2)) && !hasActivity(first))) return undefined;
    // Nor is text that only looked like protocol 0 (`class X:` read as GLOBAL, a requirements
    // line): a stream that breaks, whose first import no loader can resolve, ends any load
    // there harmlessly, so the text is judged as what it is (Python, a config, a note). Under a
    // text file's name (`certifi\nidna\n` in requirements.txt), a broken stream that only
    // imported, calling and building nothing, is text as well.
    if (options.weak && !hasPickleProto(source.read(0, 2)) && isText(source)) {
      if (failsAtFirstImport(first) || (isTextName(ctx.name) && !actsBeyondImports(first))) return undefined;
    }
    // Nor is content another format reads whole by its structure (a Flax msgpack state begins
    // 0x82, EXT1 to a pickle): a stream that breaks having only looked names up ran nothing, and
    // a weak magic never outranks a format that parses to its end.
    if (options.weak && !hasPickleProto(source.read(0, 2)) && onlyLooksUp(first) && recogniseInert(source, source.read(0, 512)) !== undefined) {
      return undefined;
    }
  }
  let stop = first.error !== undefined;
  if (!stop && isLegacyMagic(first.result)) {
    format = 'pytorch-legacy';
    persistentLoad = legacyPersistentLoad;
    // torch/serialization.py _legacy_load: magic, protocol, sys_info, the object, storage keys.
    for (let i = 0; i < 4 && !stop; i++) {
      const next = parse();
      streams.push(next);
      stop = next.error !== undefined;
    }
    if (!stop) {
      try {
        // Not stopped: all four streams after the magic were read, so streams[3] and [4] exist.
        skipLegacyStorages(reader, streams[3]!, streams[4]!);
      } catch (e) {
        if (options.probe) return undefined;
        reportBreak(ctx, e, 'legacy torch storages');
        stop = true;
      }
    }
  }
  // Where the next stream begins, for each reading: right after STOP (the C unpickler on a
  // peekable file), and at the end of the frame STOP was read in (the pure-Python unpickler,
  // and the C one once it read the whole frame). Every such place is read on from, once.
  const pending: number[] = [];
  const seenStarts = new Set<number>(streams.map((s) => s.start));
  const queueFrameEnd = (s: PickleStream): void => {
    if (s.frameEnd !== undefined && s.frameEnd < reader.end && !seenStarts.has(s.frameEnd)) {
      seenStarts.add(s.frameEnd);
      pending.push(s.frameEnd);
    }
  };
  if (!stop) for (const s of streams) queueFrameEnd(s);
  const readOn = (): boolean => {
    while (!stop && reader.pos < reader.end) {
      if (streams.length >= ctx.limits.maxStreamsPerMember) {
        if (options.probe) return false;
        ctx.report(MALFORMED_CONTAINER, {
          message: `more than ${ctx.limits.maxStreamsPerMember} pickle streams back to back; the rest was not read`,
          location: { offset: reader.pos },
          fatal: true,
          code: 'LIMIT_ENTRIES',
        });
        return true;
      }
      const at = reader.pos;
      seenStarts.add(at);
      const next = parse();
      if (!next.error || hasActivity(next) || atLimit(next)) {
        streams.push(next);
        stop = next.error !== undefined;
        if (!stop) queueFrameEnd(next);
        continue;
      }
      if (options.probe) return false;
      ctx.report(TRAILING_DATA, {
        message: `${reader.end - at} bytes after the last pickle stream do not parse as a pickle`,
        location: { offset: at },
      });
      return true;
    }
    return true;
  };
  if (!readOn()) return undefined;
  for (let from = pending.shift(); from !== undefined; from = pending.shift()) {
    reader.pos = from;
    stop = false;
    if (!readOn()) return undefined;
  }
  if (options.probe && streams.some((s) => s.error && !atLimit(s))) return undefined;
  // The C unpickler's reading of an opcode that runs past its frame: the operand, and all
  // that follows, from the frame's end. Read as its own stream (its stack starts empty).
  for (const s of [...streams]) {
    for (const straddle of s.frameStraddles ?? []) {
      const resumed = new ResumedSource(source, straddle.opcode, straddle.frameEnd);
      streams.push(parsePickleStream(new ByteReader(resumed), { limits: ctx.limits, persistentLoad, budget }));
    }
  }

  options.onStreams?.(streams);
  ctx.observer?.pickleStreams(ctx.target, source, [...streams, ...joblib.nestedStreams]);
  for (const s of [...streams, ...joblib.nestedStreams]) {
    ctx.runRules(PICKLE_RULES, s);
    scanNestedArguments(s, ctx);
  }
  if (joblib.seen) format = 'joblib';
  return format;
}

/** True when the stream broke at a limit (memory, opcodes, memo, marks, string length). */
function atLimit(s: PickleStream): boolean {
  return s.error !== undefined && s.error.code.startsWith('LIMIT_');
}

/**
 * One opcode byte, then `source` from `from`: how the C unpickler goes on after an opcode's
 * operand ran past the end of a frame it read whole (offsets in findings are of this view:
 * 1 + the offset in the file past `from`).
 */
class ResumedSource implements ByteSource {
  readonly size: number;
  constructor(
    private readonly source: ByteSource,
    private readonly opcode: number,
    private readonly from: number,
  ) {
    this.size = 1 + Math.max(0, source.size - from);
  }
  read(offset: number, length: number): Buffer {
    if (length <= 0 || offset >= this.size) return Buffer.alloc(0);
    if (offset > 0) return this.source.read(this.from + offset - 1, length);
    return Buffer.concat([Buffer.from([this.opcode]), this.source.read(this.from, length - 1)]);
  }
}

/** Text by its first bytes (no NUL, valid UTF-8), as the dispatcher names content of no format. */
function isText(source: ByteSource): boolean {
  const kind = classifyOther(source.read(0, 512));
  return kind === 'text' || kind === 'json';
}

/** Extensions of documents, configs and sources: files read as text by name, unpickled by no loader. */
const TEXT_NAME = /\.(txt|md|rst|ya?ml|toml|cfg|ini|py|jinja|json|csv|tsv)$/i;

/** True when the name is a text file's. */
function isTextName(name: string): boolean {
  return TEXT_NAME.test(name);
}

function reportBreak(ctx: ScanContext, e: unknown, what: string): void {
  const err = e instanceof ModelgateError ? e : new ModelgateError('MALFORMED', String(e));
  ctx.report(MALFORMED_CONTAINER, {
    message: `${what}: ${err.message}`,
    location: err.offset === undefined ? undefined : { offset: err.offset },
    fatal: true,
    code: err.code,
  });
}

/** Bytes and strings passed to calls may hold a whole pickle or archive: scan those too. */
export function scanNestedArguments(stream: PickleStream, ctx: ScanContext): void {
  // Bytes and strings shorter than the smallest embedded file are passed over unread, and only
  // what can hold other values is remembered as seen (a pickle of 20,000 tensors passes 100,000).
  const seen = new Set<PValue>();
  const visit = (v: PValue, depth: number): void => {
    if (depth > 4) return;
    if (v.k === 'bytes') {
      if (v.v !== null && v.len >= MIN_EMBEDDED && !seen.has(v)) {
        seen.add(v);
        scanNestedBytes(v.v, v.offset, ctx);
      }
    } else if (v.k === 'str') {
      if (v.v.length >= MIN_EMBEDDED && !seen.has(v)) {
        seen.add(v);
        scanNestedBytes(Buffer.from(v.v, 'latin1'), undefined, ctx);
      }
    } else if (v.k === 'tuple' || v.k === 'list' || v.k === 'obj') {
      if (seen.has(v)) return;
      seen.add(v);
      for (const item of v.k === 'obj' ? v.args : v.items) visit(item, depth + 1);
    }
  };
  for (const call of stream.calls) {
    const loaded = nestedLoaderBytes(call);
    if (loaded) {
      // The bytes a nested loader loads must be read whatever they look like.
      seen.add(loaded);
      scanNestedBytes(loaded.v as Buffer, loaded.offset, ctx, true);
    }
    // `_codecs.encode(text, 'latin1')` is how protocols 0-2 spell bytes: its value is scanned
    // where it is used, so its text argument is not scanned a second time.
    const callee = call.object.callee;
    if (callee.k === 'global' && callee.ref.path === '_codecs.encode') continue;
    for (const a of call.object.args) visit(a, 0);
  }
}
