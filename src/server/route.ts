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

/** Reads and validates a JSON body; USAGE (400) for bad JSON or a body that does not fit. */
export async function jsonBody(c: Ctx, schema: z.ZodType): Promise<unknown> {
  const length = Number(c.req.header('content-length') ?? 0);
  if (length > MAX_JSON_BYTES) throw new ModelgateError('TOO_LARGE', `a JSON body is at most ${MAX_JSON_BYTES} bytes`);
  const text = await c.req.text();
  if (text.length > MAX_JSON_BYTES) throw new ModelgateError('TOO_LARGE', `a JSON body is at most ${MAX_JSON_BYTES} bytes`);
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
