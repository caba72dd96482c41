import type { ModelgateError } from '../../core/errors.js';

/**
 * Symbolic values of the pickle machine. Nothing here is a live Python object: a `call` is a
 * record of what unpickling would call, with the values it would pass.
 */
export type PValue =
  | { k: 'none' }
  | { k: 'bool'; v: boolean }
  | { k: 'int'; v: number | bigint }
  | { k: 'float'; v: number }
  | { k: 'str'; v: string }
  /** `v` is null when the operand was longer than the string limit and skipped. */
  | { k: 'bytes'; v: Buffer | null; len: number; offset: number; bytearray?: boolean }
  | { k: 'tuple'; items: PValue[] }
  | PList
  | PDict
  | { k: 'set'; items: PValue[]; frozen: boolean; dropped?: number }
  | { k: 'global'; ref: GlobalRef }
  | PObject
  | { k: 'persid'; pid: PValue }
  | { k: 'ext'; code: number }
  | { k: 'buffer' };

/**
 * Containers keep at most KEPT_ITEMS items (pickle/parse.ts) so memory stays bounded on huge
 * pickles; `dropped` counts the rest, which were still interpreted opcode by opcode.
 */
export interface PList {
  k: 'list';
  items: PValue[];
  dropped?: number;
}

export interface PDict {
  k: 'dict';
  entries: Array<[PValue, PValue]>;
  dropped?: number;
  /** A `__setstate__` key was stored, kept or not. */
  setstateKey?: boolean;
  /** A key that is not a literal string was stored (an attribute name computed at load time). */
  computedKey?: boolean;
  /** The first key stored that is a dunder name (`__class__`, `__setstate__`…), kept or not. */
  dunderKey?: string;
  /** A `__class__` key was stored, kept or not: a BUILD with it swaps the object's class. */
  classKey?: boolean;
}

/**
 * A short string operand, decoded only when something reads it: most strings of a large
 * pickle (dict keys, storage keys) are never looked at, and decoding them all dominated the
 * interpreter's time.
 */
export class LazyText {
  readonly k = 'str' as const;
  private decoded: string | undefined;
  constructor(
    private readonly buffer: Buffer,
    private readonly start: number,
    private readonly end: number,
    readonly encoding: 'utf8' | 'latin1',
    /** Where the text sits in the stream's source, so the memo can keep it as a number. */
    readonly sourceOffset: number,
  ) {}
  get length(): number {
    return this.end - this.start;
  }
  get v(): string {
    this.decoded ??= this.buffer.toString(this.encoding, this.start, this.end);
    return this.decoded;
  }
}

/**
 * A bytes operand as a view of the reader's window, made into a Buffer only when something
 * reads `v` (see LazyText): a pickle of numpy scalars has a bytes operand for each.
 */
export class LazyBytes {
  readonly k = 'bytes' as const;
  constructor(
    private readonly buffer: Buffer,
    private readonly start: number,
    readonly len: number,
    readonly offset: number,
    readonly bytearray?: boolean,
  ) {}
  get v(): Buffer {
    return this.buffer.subarray(this.start, this.start + this.len);
  }
}

/** The result of a call or an object creation, which later opcodes may BUILD or fill. */
export interface PObject {
  k: 'obj';
  /** How it was made: REDUCE (a call), NEWOBJ(_EX) (`cls.__new__`), INST/OBJ (a class call). */
  op: CallOp;
  callee: PValue;
  args: PValue[];
  kwargs?: PValue;
  /** States given to BUILD, in order. */
  states: PValue[];
  /** Items given by APPEND(S)/SETITEM(S)/ADDITEMS. */
  added: PValue[];
  dropped?: number;
}

export type CallOp = 'REDUCE' | 'NEWOBJ' | 'NEWOBJ_EX' | 'INST' | 'OBJ';

/** A name an opcode imports, as written and as the unpickler resolves it. */
export interface GlobalRef {
  /** Module and name as written in the stream. */
  module: string;
  name: string;
  /** After Python 2 name mapping (`__builtin__` → `builtins`...). */
  resolvedModule: string;
  resolvedName: string;
  /** `resolvedModule.resolvedName`: the whole attribute path judged. */
  path: string;
  /** `GETATTR`: `builtins.getattr(<global>, '<literal name>')`, which is that dotted name. */
  op: 'GLOBAL' | 'STACK_GLOBAL' | 'INST' | 'EXT' | 'GETATTR';
  offset: number;
  opIndex: number;
}

/** Common position of an event in its stream. */
export interface At {
  offset: number;
  opIndex: number;
}

/** A call or creation that unpickling would perform. */
export interface PickleCall extends At {
  op: CallOp;
  object: PObject;
}

export interface PickleBuild extends At {
  target: PValue;
  state: PValue;
}

/** APPEND(S), SETITEM(S) or ADDITEMS on something that is not a plain list/dict/set. */
export interface PickleMutation extends At {
  op: 'APPEND' | 'APPENDS' | 'SETITEM' | 'SETITEMS' | 'ADDITEMS';
  target: PValue;
  items: PValue[];
}

/** STACK_GLOBAL whose operands were not both literal strings. */
export interface DynamicImport extends At {
  module: PValue;
  name: PValue;
}

/** One pickle stream (PROTO … STOP) and everything it would do. */
export interface PickleStream {
  /** Offset of the first opcode. */
  start: number;
  /** Offset just past STOP, or where reading stopped. */
  end: number;
  protocol: number;
  opcodes: number;
  imports: GlobalRef[];
  calls: PickleCall[];
  builds: PickleBuild[];
  mutations: PickleMutation[];
  dynamicImports: DynamicImport[];
  extensions: Array<At & { code: number }>;
  persistentIds: Array<At & { pid: PValue }>;
  /** Operands longer than the string limit, skipped unread. */
  skippedOperands: Array<At & { length: number }>;
  /** The value STOP returned, when it was reached. */
  result?: PValue;
  /**
   * End of the frame STOP was read inside, when the frame goes on past it: CPython's
   * unpickler read the whole frame and drops the rest, so a reader of the same file handle
   * goes on from here, not from `end`.
   */
  frameEnd?: number;
  /**
   * The first FRAME that declares more bytes than are left: the C unpickler stops there
   * (truncated), the pure-Python unpickler reads the rest of the data as the frame and goes on.
   */
  frameOverrun?: { offset: number; length: bigint; left: number };
  /**
   * Opcodes whose operand (bytes, a length, a text line) ran past the end of their frame. The
   * C unpickler, once it read a frame whole from a file, drops what is left of it and reads the
   * operand afresh from the frame's end; reading from bytes it reads straight through; the
   * pure-Python unpickler refuses. No pickler writes such a stream.
   */
  frameStraddles?: Array<{ offset: number; opcode: number; frameEnd: number }>;
  /** Why the stream ended early; absent when STOP was reached. */
  error?: ModelgateError;
}
