import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.js';
import { fixtureModels, startHub } from './hub-fixture.js';

const config = mkdtempSync(join(tmpdir(), 'mg-cli-names-'));
// Only the shipped list, and nothing from the machine's Hugging Face settings.
const baseEnv = { ...process.env, XDG_CONFIG_HOME: config, HF_ENDPOINT: '', HF_TOKEN: '', HUGGING_FACE_HUB_TOKEN: '', HF_HUB_OFFLINE: '' };

// Asynchronous, so an in-process fixture server can answer while the CLI runs.
function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runCliAsync(['check-name', ...args], { env: { ...baseEnv, ...env } });
}

const hubs: Array<{ close: () => Promise<void> }> = [];
afterAll(async () => {
  for (const hub of hubs) await hub.close();
});

describe('modelgate check-name', () => {
  it('exits 0 for a well-known or unrelated name, 1 for a look-alike', async () => {
    expect((await run(['meta-llama/Llama-2-7b-chat-hf'])).status).toBe(0);
    expect((await run(['acme-corp/widget-detector'])).status).toBe(0);
    const squat = await run(['meta-Ilama/Llama-2-7b-chat-hf']);
    expect(squat.status).toBe(1);
    expect(squat.stdout).toMatch(/HIGH\s+0\.99\s+homoglyph\s+meta-llama/);
    expect(squat.stdout).toContain("'I' (U+0049) at position 6 in place of 'l' (U+006C)");
  });

  it('exits 2 on usage errors', async () => {
    const cases = [[], ['a/b/c'], ['--format', 'yaml', 'a/b'], ['--min-score', '2', 'a/b'], ['--limit', '5', 'a/b'], ['--refresh', 'a/b'], ['--bogus', 'a/b']];
    const results = await Promise.all(cases.map((args) => run(args)));
    expect(results.map((r) => r.status)).toEqual(cases.map(() => 2));
  });

  it('prints the modelgate/check-name@1 JSON shape', async () => {
    const out = await run(['-f', 'json', 'metallama/Llama-2-7b-chat-hf']);
    expect(out.status).toBe(1);
    const report = JSON.parse(out.stdout);
    expect(Object.keys(report)).toEqual(['schema', 'name', 'org', 'repo', 'known', 'hubSyntax', 'squatted', 'minScore', 'lists', 'matches']);
    expect(report).toMatchObject({
      schema: 'modelgate/check-name@1',
      name: 'metallama/Llama-2-7b-chat-hf',
      org: 'metallama',
      known: false,
      squatted: true,
      minScore: 0.5,
    });
    expect(report.lists[0]).toMatchObject({ path: 'data/known-names.json' });
    expect(report.matches[0]).toMatchObject({
      kind: 'separator',
      part: 'org',
      score: 0.94,
      severity: 'high',
      input: 'metallama',
      similarTo: 'meta-llama',
      knownRepo: 'meta-llama/Llama-2-7b-chat-hf',
      differences: [{ position: 5, input: '', known: '-' }],
    });
    expect(report.matches[0].reason).toMatch(/differs only in separators/);
    expect(report.matches[0].from.length).toBeGreaterThan(0);
    const clean = JSON.parse((await run(['-f', 'json', 'meta-llama/Llama-2-7b-chat-hf'])).stdout);
    expect(clean).toMatchObject({ known: true, squatted: false, matches: [] });
  });

  it('--refresh rebuilds the list from a fixture Hub, and check-name then reads it', async () => {
    const hub = await startHub([{ id: 'acme-vision/detector-xl', downloads: 9, likes: 2 }, ...fixtureModels(4)], 2);
    hubs.push(hub);
    const output = join(config, 'refreshed.json');
    const refreshed = await run(['--refresh', '--endpoint', hub.url, '--limit', '3', '--output', output], { HF_TOKEN: 'hf_cli' });
    expect(refreshed.status, refreshed.stderr).toBe(0);
    expect(hub.requests.map((r) => r.authorization)).toEqual(['Bearer hf_cli', 'Bearer hf_cli']);
    const file = JSON.parse(readFileSync(output, 'utf8'));
    expect(file.entries.filter((e: { kind: string }) => e.kind === 'repo')).toHaveLength(3);
    const looked = await run(['-f', 'json', 'acme-visi0n/detector-xl'], { MODELGATE_KNOWN_NAMES: output });
    expect(looked.status).toBe(1);
    expect(JSON.parse(looked.stdout).matches[0]).toMatchObject({ kind: 'homoglyph', similarTo: 'acme-vision' });
    // The default location: $XDG_CONFIG_HOME/modelgate/known-names.json.
    expect((await run(['--refresh'], { HF_ENDPOINT: hub.url })).status).toBe(0);
    expect(JSON.parse(readFileSync(join(config, 'modelgate', 'known-names.json'), 'utf8')).schema).toBe('modelgate/known-names@1');
  });

  it('--refresh exits 2 when the Hub cannot be read', async () => {
    const hub = await startHub([], 10, () => ({ status: 503, body: '{}' }));
    hubs.push(hub);
    expect((await run(['--refresh', '--endpoint', hub.url, '--output', join(config, 'x.json')])).status).toBe(2);
    expect((await run(['--refresh'], { HF_HUB_OFFLINE: '1' })).status).toBe(2);
  });
});
