import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fixture of the Hub's model listing on 127.0.0.1. Shape as documented for
 * `GET /api/models` (https://huggingface.co/docs/hub/api): a JSON array of models with `_id`,
 * `id`, `likes`, `downloads`, `private`, `pipeline_tag`, `library_name`, `tags`, `createdAt`
 * and `modelId`; "the response is paginated, use the Link header to get the next pages"
 * (`Link: <…/api/models?…&cursor=…>; rel="next"`).
 */
export interface HubFixture {
  url: string;
  requests: Array<{ url: string; authorization?: string }>;
  close: () => Promise<void>;
}

export function fixtureModels(count: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({
    _id: `65f${String(i).padStart(21, '0')}`,
    id: `fixture-org-${i % 7}/model-${i}`,
    likes: 1000 - i,
    downloads: 1_000_000 - i * 10,
    private: false,
    pipeline_tag: 'text-generation',
    library_name: 'transformers',
    tags: ['transformers', 'safetensors'],
    createdAt: '2024-01-01T00:00:00.000Z',
    modelId: `fixture-org-${i % 7}/model-${i}`,
  }));
}

/** Serve `models` in pages of `pageSize`; `override` may answer a request itself. */
export async function startHub(
  models: Array<Record<string, unknown>>,
  pageSize: number,
  override?: (req: IncomingMessage) => { status: number; body: string; headers?: Record<string, string> } | undefined,
): Promise<HubFixture> {
  const requests: HubFixture['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    const special = override?.(req);
    if (special) {
      res.writeHead(special.status, { 'content-type': 'application/json', ...special.headers });
      res.end(special.body);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/api/models') {
      res.writeHead(404).end('{"error":"Not Found"}');
      return;
    }
    const limit = Math.min(Number(url.searchParams.get('limit') ?? pageSize), pageSize);
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const page = models.slice(start, start + limit);
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (start + limit < models.length) {
      const next = new URL(url.toString());
      next.searchParams.set('cursor', String(start + limit));
      headers.link = `<http://${req.headers.host}${next.pathname}${next.search}>; rel="next"`;
    }
    res.writeHead(200, headers);
    res.end(JSON.stringify(page));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
