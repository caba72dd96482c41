import { isModelgateError } from '../../core/errors.js';

/**
 * An error the registry client reports as `modelgate: CODE: message`: the registry's own
 * `{error: {code, message}}` answer, or a client-side code (USAGE, NETWORK, TIMEOUT…). Codes
 * are the server's, which the CLI does not know in advance, so this is not a ModelgateError.
 */
export class RegistryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The HTTP status, when the registry answered. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RegistryError';
  }
}

/** The code and message of anything a registry command may throw, or undefined for a bug. */
export function describeError(e: unknown): { code: string; message: string } | undefined {
  if (e instanceof RegistryError || isModelgateError(e)) return { code: e.code, message: e.message };
  return undefined;
}

/** A JSON request waits this long for its answer; uploads, which can be large, do not time out. */
const REQUEST_TIMEOUT_MS = 60_000;

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  /** A JSON body. */
  json?: unknown;
  /** A raw body (an upload) with its length. */
  raw?: { body: ReadableStream<Uint8Array> | Uint8Array; length: number };
}

/**
 * The registry's REST API over Node's fetch, with a bearer token. The token goes in the
 * Authorization header only: never in a URL, a message or the output.
 */
export class RegistryClient {
  constructor(
    /** The server's base URL, ending with `/`. */
    readonly base: URL,
    private readonly token: string | undefined,
  ) {}

  /** The URL of an API path (`/api/…`), relative to the base so a registry under a prefix works. */
  url(path: string, query: RequestOptions['query'] = {}): URL {
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    return url;
  }

  /** Sends a request and returns the answer's JSON, or throws a RegistryError. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body: BodyInit | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.raw) {
      headers['content-type'] = 'application/octet-stream';
      headers['content-length'] = String(options.raw.length);
      body = options.raw.body as BodyInit;
    }
    // No redirects: the token is not sent on to another address. They and `window: null` also
    // keep fetch from cloning the request, which would tee an upload's stream and hold every
    // chunk of it in memory (the Fetch standard's HTTP-network-or-cache fetch).
    const init: RequestInit & { duplex?: 'half' } = { method, headers, body, redirect: 'error', window: null };
    if (options.raw) init.duplex = 'half';
    else init.signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    let response: Response;
    try {
      response = await fetch(this.url(path, options.query), init);
    } catch (e) {
      throw this.networkError(e);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (e) {
      throw this.networkError(e);
    }
    const parsed = parseJson(text);
    if (!response.ok) {
      const error = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      if (typeof error?.code === 'string') throw new RegistryError(error.code, String(error.message ?? ''), response.status);
      throw new RegistryError(
        `HTTP_${response.status}`,
        `${method} ${path}: the server answered ${response.status} ${response.statusText}`.trim(),
        response.status,
      );
    }
    if (parsed === undefined) throw new RegistryError('NETWORK', `${method} ${path}: the server's answer is not JSON`, response.status);
    return parsed as T;
  }

  private networkError(e: unknown): RegistryError {
    // An upload's own stream failed (the file shrank): that, not the connection, is the error.
    if (e instanceof Error && e.cause instanceof RegistryError) return e.cause;
    const where = this.base.origin;
    if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))
      return new RegistryError('TIMEOUT', `no answer from ${where} within ${REQUEST_TIMEOUT_MS / 1000} s`, undefined, { cause: e });
    const cause = e instanceof Error ? (e.cause as { code?: string; message?: string } | undefined) : undefined;
    const why = cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
    return new RegistryError('NETWORK', `cannot reach ${where}: ${why}`, undefined, { cause: e });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
