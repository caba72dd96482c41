import { z } from 'zod';
import { ModelgateError } from '../core/errors.js';
import type { Role } from '../app/registry/index.js';
import type { Ctx } from './context.js';

/**
 * One API route: its method and OpenAPI path (`/api/versions/{id}`), who may call it, what the
 * OpenAPI document says of it, and its handler. The table of routes is the one source of the
 * router, the authorisation check and the OpenAPI document.
 */
export interface Route {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  /** Roles allowed (admin always is); `any` = any valid token; `public` = no token. */
  roles: readonly Role[] | 'any' | 'public';
  tag: string;
  /** The JSON body it takes, validated before the handler runs. */
  body?: z.ZodType;
  /** Query parameters, by name, with a description. */
  query?: Record<string, string>;
  /** A raw byte body (an upload), not JSON. */
  raw?: boolean;
  /** What it answers with instead of JSON. */
  produces?: string;
  handle(c: Ctx, body: unknown): Promise<Response>;
}

/** Builds a route whose handler gets its body typed by the schema. */
export function route<S extends z.ZodType | undefined = undefined>(
  r: Omit<Route, 'handle' | 'body'> & { body?: S; handle(c: Ctx, body: S extends z.ZodType ? z.infer<S> : undefined): Promise<Response> },
): Route {
  return r as Route;
}

/** JSON bodies are small: anything bigger is not a registry request. */
export const MAX_JSON_BYTES = 1024 * 1024;

/**
 * A request body as text, read to at most `max` bytes: TOO_LARGE as soon as it is over, so a
 * chunked body (no Content-Length) is never held whole in memory before being measured.
 */
export async function boundedText(request: Request, max: number): Promise<string> {
  const tooLarge = () => new ModelgateError('TOO_LARGE', `the body is at most ${max} bytes`);
  if (Number(request.headers.get('content-length') ?? 0) > max) throw tooLarge();
  const body = request.body as unknown as AsyncIterable<Uint8Array> | null;
  if (!body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > max) throw tooLarge();
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads and validates a JSON body; USAGE (400) for bad JSON or a body that does not fit. */
export async function jsonBody(c: Ctx, schema: z.ZodType): Promise<unknown> {
  const text = await boundedText(c.req.raw, MAX_JSON_BYTES);
  let value: unknown;
  try {
    value = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ModelgateError('USAGE', 'the body is not JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelgateError('USAGE', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** `{id}` → `:id`, and a trailing `{path}` (a file path with slashes) → `*`. */
export function honoPath(path: string): string {
  return path.replace(/\{path\}$/, '*').replace(/\{(\w+)\}/g, ':$1');
}
