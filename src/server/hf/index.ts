import type { Hono } from 'hono';
import { resolveServed, type Registry } from '../../app/registry/index.js';
import type { Ctx, ServerEnv } from '../context.js';
import { hfPrincipal } from './auth.js';
import { hubError } from './errors.js';
import { modelInfo } from './model-info.js';
import { parseHfRoute } from './paths.js';
import { resolveFile } from './resolve.js';
import { pathsInfoAnswer, treePage } from './tree.js';

/** Where the endpoint is mounted: clients use `HF_ENDPOINT=http://HOST:PORT/hf`. */
export const HF_MOUNT = '/hf';

async function answer(registry: Registry, c: Ctx): Promise<Response> {
  const url = new URL(c.req.url);
  const route = parseHfRoute(c.req.method, url.pathname.slice(HF_MOUNT.length + 1), url.searchParams);
  if (!route) return hubError(404, undefined, `no such endpoint: ${c.req.method} ${url.pathname}`);
  const who = await hfPrincipal(registry, c.req.header('authorization'));
  if (who instanceof Response) return who;
  const served = await resolveServed(registry.ctx, route.repo, route.revision);
  if ('missing' in served) return hubError(404, served.missing === 'repo' ? 'RepoNotFound' : 'RevisionNotFound', served.message);
  switch (route.kind) {
    case 'model-info':
      return c.json(modelInfo(served, route.blobs));
    case 'tree':
      return treePage(served, route.path, url);
    case 'paths-info':
      return pathsInfoAnswer(served, c.req.raw);
    case 'file':
      return resolveFile(registry, served, route.path, route.raw, c.req.raw);
  }
}

/**
 * The Hugging Face-compatible endpoint under `/hf`: huggingface_hub, transformers and
 * @huggingface/hub download approved, commit-pinned versions from the blob store, nothing else.
 * A registry model `org/name` is the Hub repo `org/name`; its revisions are `main` (the newest
 * approved version) and each approved version's commit id. Every read needs a registry token.
 * Errors have the Hub's shapes (errors.ts), never the registry API's.
 */
export function mountHf(app: Hono<ServerEnv>, registry: Registry): void {
  app.all(`${HF_MOUNT}/*`, async (c) => {
    try {
      return await answer(registry, c);
    } catch (e) {
      console.error(e);
      return hubError(500, undefined, 'internal error');
    }
  });
}
