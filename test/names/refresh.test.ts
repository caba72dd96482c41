import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isModelgateError } from '../../src/core/errors.js';
import { checkName } from '../../src/app/names/check.js';
import { loadKnownNames } from '../../src/app/names/known-list.js';
import { refreshedListPath } from '../../src/app/names/paths.js';
import { fetchKnownNames, nextLink, refreshKnownNames } from '../../src/app/names/refresh.js';
import { fixtureModels, type HubFixture, startHub } from './hub-fixture.js';

let hub: HubFixture | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (e) {
    return isModelgateError(e) ? e.code : 'not a ModelgateError';
  }
  return undefined;
}

describe('refreshing the known names from the Hub listing', () => {
  it('follows Link rel="next" pages up to the limit, sorted by downloads, with the token', async () => {
    hub = await startHub(fixtureModels(25), 10);
    const file = await fetchKnownNames({ env: { HF_ENDPOINT: hub.url, HF_TOKEN: 'hf_test' }, limit: 23 });
    expect(hub.requests.length).toBe(3);
    const first = new URL(hub.requests[0]!.url, hub.url);
    expect(first.pathname).toBe('/api/models');
    expect(Object.fromEntries(first.searchParams)).toEqual({ sort: 'downloads', direction: '-1', limit: '23' });
    expect(hub.requests.every((r) => r.authorization === 'Bearer hf_test')).toBe(true);
    const repos = file.entries.filter((e) => e.kind === 'repo');
    expect(repos.length).toBe(23);
    expect(repos[0]).toMatchObject({ id: 'fixture-org-0/model-0', downloads: 1_000_000, likes: 1000 });
    expect(file.entries.filter((e) => e.kind === 'org').map((e) => e.id)).toHaveLength(7);
    expect(repos[0]!.from[0]).toBe(`${hub.url}/api/models?sort=downloads&direction=-1`);
  });

  it('uses HUGGING_FACE_HUB_TOKEN when HF_TOKEN is unset, and sends nothing without a token', async () => {
    hub = await startHub(fixtureModels(3), 10);
    await fetchKnownNames({ env: { HUGGING_FACE_HUB_TOKEN: 'hf_old' }, endpoint: hub.url });
    await fetchKnownNames({ env: {}, endpoint: hub.url });
    expect(hub.requests.map((r) => r.authorization)).toEqual(['Bearer hf_old', undefined]);
  });

  it('writes the list where check-name reads it, and check-name then knows its names', async () => {
    hub = await startHub([{ id: 'acme-vision/detector-xl', downloads: 5, likes: 1 }], 10);
    const config = mkdtempSync(join(tmpdir(), 'mg-xdg-'));
    const env = { XDG_CONFIG_HOME: config, HF_ENDPOINT: hub.url };
    const { path } = await refreshKnownNames({ env });
    expect(path).toBe(join(config, 'modelgate', 'known-names.json'));
    expect(refreshedListPath(env)).toBe(path);
    expect(JSON.parse(readFileSync(path, 'utf8')).schema).toBe('modelgate/known-names@1');
    expect(checkName('acme-vision/detector-xl', { env })).toEqual([]);
    expect(checkName('acme-visi0n/detector-xl', { env })[0]).toMatchObject({ kind: 'homoglyph', similarTo: 'acme-vision' });
    expect(loadKnownNames({ extraLists: [path] }).lists.map((l) => l.path)).toEqual(['data/known-names.json', path]);
  });

  it.each([
    ['an HTTP error', { status: 401, body: '{"error":"Invalid credentials"}' }, 'HUB_ACCESS'],
    ['a body that is not JSON', { status: 200, body: '<html>' }, 'NETWORK'],
    ['a body that is not an array', { status: 200, body: '{"id":"x/y"}' }, 'NETWORK'],
    [
      'a next page on another host',
      { status: 200, body: '[{"id":"a/b"}]', headers: { link: '<http://example.invalid/api/models?cursor=1>; rel="next"' } },
      'NETWORK',
    ],
  ])('fails closed on %s', async (_what, answer, code) => {
    hub = await startHub([], 10, () => answer);
    expect(await codeOf(fetchKnownNames({ env: {}, endpoint: hub.url, limit: 5 }))).toBe(code);
    // Only the fixture was asked: the other host's link was refused before any request.
    expect(hub.requests.length).toBe(1);
  });

  it('refuses to run with HF_HUB_OFFLINE, a bad endpoint or a bad limit', async () => {
    expect(await codeOf(fetchKnownNames({ env: { HF_HUB_OFFLINE: '1' } }))).toBe('USAGE');
    expect(await codeOf(fetchKnownNames({ env: {}, endpoint: 'file:///etc' }))).toBe('USAGE');
    expect(await codeOf(fetchKnownNames({ env: {}, endpoint: 'http://127.0.0.1:9', limit: 0 }))).toBe('USAGE');
  });

  it('parses Link headers (RFC 8288)', () => {
    expect(nextLink('<https://h/api/models?cursor=abc>; rel="next"', 'https://h/api/models')).toBe('https://h/api/models?cursor=abc');
    expect(nextLink('<https://h/p1>; rel="prev", </api/models?c=2>; rel="next"', 'https://h/api/models')).toBe('https://h/api/models?c=2');
    expect(nextLink(null, 'https://h/')).toBeUndefined();
    expect(nextLink('<https://h/p1>; rel="prev"', 'https://h/')).toBeUndefined();
  });
});
