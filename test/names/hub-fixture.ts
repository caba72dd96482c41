import type { IncomingMessage } from 'node:http';
import { FixtureHub } from '../helpers/fixture-hub.js';

/**
 * The Hub's model listing for the refresh tests, served by the project's fixture hub
 * (test/helpers/fixture-hub.ts; shapes and sources documented there): `GET /api/models`
 * answers a JSON array of models with `_id`, `id`, `likes`, `downloads`, `private`,
 * `pipeline_tag`, `library_name`, `tags`, `createdAt` and `modelId`, paginated by `Link` headers.
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
  const hub = await new FixtureHub().start();
  hub.listed = models;
  hub.faults = { pageSize };
  hub.override = override;
  return {
    url: hub.url,
    get requests() {
      return hub.log.map((l) => ({ url: l.path, authorization: l.authorization }));
    },
    close: () => hub.close(),
  };
}
