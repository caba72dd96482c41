/**
 * Typed error codes. Tests assert the code, never the text. A code that ends an analysis
 * early becomes the `code` of a fatal finding.
 */
export const ERROR_CODES = [
  'USAGE', // bad command-line input
  'UNREADABLE', // a target or file that cannot be opened or read
  'TRUNCATED', // the bytes end before the structure does
  'MALFORMED', // the structure is invalid
  'BAD_OPCODE', // a byte that is no pickle opcode
  'BAD_MEMO', // a memo reference to nothing
  'STACK_UNDERFLOW', // an opcode wanted more values than the stack holds
  'NO_STOP', // a pickle stream without STOP
  'UNSUPPORTED', // a coder, compression or feature modelgate does not read
  'UNSUPPORTED_FORMAT', // binary content of no format modelgate reads or recognises as inert
  'ENCRYPTED', // bytes that are really encrypted
  'LIMIT_MEMBER_BYTES',
  'LIMIT_DECOMPRESSED_BYTES',
  'LIMIT_RATIO',
  'LIMIT_DEPTH',
  'LIMIT_OPCODES',
  'LIMIT_MEMO',
  'LIMIT_MEMORY',
  'LIMIT_STRING',
  'LIMIT_MARKS',
  'LIMIT_ENTRIES',
  'SYMLINK_LOOP',
  'SPECIAL_FILE', // a FIFO, socket or device: not read
  'CHANGED', // a file written to while it was scanned: what was judged and hashed may differ
  'POLICY_INVALID', // a policy file that does not parse or does not fit the policy schema
  'HUB_ACCESS', // the Hub refused: a gated or private repo, or a missing or bad token
  'HUB_NOT_FOUND', // no such repo, revision or file on the Hub
  'HUB_RATE_LIMIT', // still rate-limited (429) after backing off
  'NETWORK', // the connection failed or the server answered with nonsense
  'OFFLINE', // HF_HUB_OFFLINE is set and the cache does not hold what is needed
  'LOCK_INVALID', // a lock file that is not a modelgate lock
  'CONVERT_REFUSED', // convert: the checkpoint does something outside the conversion allow-list
  'VERIFY_MISMATCH', // convert --verify: a written tensor differs from its source
  'SIGNATURE_INVALID', // a model signature that is malformed, untrusted or does not match the files
  'TOO_LARGE', // an upload or download over the registry's size limit
  'UNAUTHENTICATED', // registry: no token, or one it does not know
  'FORBIDDEN', // registry: the token's roles do not allow this, or four-eyes forbids it
  'NOT_FOUND', // registry: no such model, version, deployment or route
  'CONFLICT', // registry: the version is not in a state that allows this
  'NOT_A_CLASSIFIER', // screen/strip: the model is not an image classifier (logits [N, K], K ≥ 2)
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error with a typed code; `cause` chains the error it wraps. */
export class ModelgateError extends Error {
  readonly code: ErrorCode;
  /** Byte offset where the problem was seen, when known. */
  readonly offset?: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; offset?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelgateError';
    this.code = code;
    this.offset = options?.offset;
  }
}

/** True for a ModelgateError, optionally of the given code. */
export function isModelgateError(e: unknown, code?: ErrorCode): e is ModelgateError {
  return e instanceof ModelgateError && (code === undefined || e.code === code);
}

/** What a file-system error means, in the one wording every command uses for that kind. */
const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  ELOOP: 'too many levels of links',
  ENAMETOOLONG: 'name too long',
};

/** The reason of a file-system error in a few words (its errno's meaning), else its message. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return (code !== undefined && FS_REASONS[code]) || String((e as Error | undefined)?.message ?? e);
}

/**
 * The one-line error of a file or folder the user named that cannot be read
 * (`cannot read PATH: no such file or folder`): every command words it so.
 */
export function cannotRead(path: string, e: unknown, code: ErrorCode = 'UNREADABLE'): ModelgateError {
  return new ModelgateError(code, `cannot read ${path}: ${fsReason(e)}`, { cause: e });
}

/** The one-line error of an output file that cannot be written (`cannot write PATH: permission denied`). */
export function cannotWrite(path: string, e: unknown): ModelgateError {
  return new ModelgateError('USAGE', `cannot write ${path}: ${fsReason(e)}`, { cause: e });
}

/** An ENOENT-like error for a path found missing by a check (existsSync), for cannotRead and cannotWrite. */
export function missing(): NodeJS.ErrnoException {
  return Object.assign(new Error('no such file or folder'), { code: 'ENOENT' });
}
