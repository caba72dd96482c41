/**
 * Compile data/known-names.json from the public sources in sources.json.
 *
 *   npx tsx scripts/known-names/compile.ts            # from extracted/<source>.txt
 *   npx tsx scripts/known-names/compile.ts --fetch    # re-extract from raw.githubusercontent.com first
 *   options: --date YYYY-MM-DD (default today), --output FILE (default data/known-names.json)
 *
 * Each source is one file of a public repository at a fixed commit. Its repo ids are kept in
 * extracted/<id>.txt, one per line, so the list rebuilds without the network and a change to
 * it shows up in review. Every entry records the sources that name it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KNOWN_NAMES_SCHEMA, type KnownEntry, type KnownNamesFile, parseKnownNamesFile } from '../../src/app/names/known-list.js';
import { isHubRepoId } from '../../src/app/names/repo-id.js';
import { type ExtractMode, extractRepoIds } from './extract.js';

interface Source {
  id: string;
  repo: string;
  path: string;
  commit: string;
  extract: ExtractMode;
  what: string;
}

const here = dirname(fileURLToPath(import.meta.url));
/** Test fixtures that sources list next to real models; they are not well-known names. */
const FIXTURE = /tiny-random|testing|dummy/i;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function idsOf(source: Source, fetchFirst: boolean): Promise<string[]> {
  const file = join(here, 'extracted', `${source.id}.txt`);
  if (fetchFirst) {
    const url = `https://raw.githubusercontent.com/${source.repo}/${source.commit}/${source.path}`;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const ids = [...new Set(extractRepoIds(await response.text(), source.extract))];
    writeFileSync(file, `${ids.join('\n')}\n`);
  }
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Pretty JSON with one entry a line: small, and a diff shows each added or dropped name. */
function render(file: KnownNamesFile): string {
  const { entries, ...head } = file;
  const top = JSON.stringify({ ...head, entries: [] }, null, 2).replace(/\[\]\n\}$/, '');
  return `${top}[\n${entries.map((e) => `    ${JSON.stringify(e)}`).join(',\n')}\n  ]\n}\n`;
}

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(join(here, 'sources.json'), 'utf8')) as { description: string; sources: Source[] };
  const repos = new Map<string, Set<string>>();
  const orgs = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, key: string, from: string): void => {
    map.set(key, (map.get(key) ?? new Set()).add(from));
  };
  for (const source of config.sources) {
    const from = `${source.repo}:${source.path}@${source.commit.slice(0, 7)}`;
    for (const id of await idsOf(source, process.argv.includes('--fetch'))) {
      if (!isHubRepoId(id)) throw new Error(`${source.id}: not a repo id: ${id}`);
      if (FIXTURE.test(id)) continue;
      add(repos, id, from);
      if (id.includes('/')) add(orgs, id.slice(0, id.indexOf('/')), from);
    }
  }
  const byId = (a: KnownEntry, b: KnownEntry): number => a.id.toLowerCase().localeCompare(b.id.toLowerCase()) || a.id.localeCompare(b.id);
  const entries: KnownEntry[] = [
    ...[...orgs].map(([id, from]): KnownEntry => ({ id, kind: 'org', from: [...from].sort() })),
    ...[...repos].map(([id, from]): KnownEntry => ({ id, kind: 'repo', from: [...from].sort() })),
  ].sort((a, b) => (a.kind === b.kind ? byId(a, b) : a.kind === 'org' ? -1 : 1));
  const file: KnownNamesFile = {
    schema: KNOWN_NAMES_SCHEMA,
    generated: option('--date') ?? new Date().toISOString().slice(0, 10),
    description: `Well-known Hugging Face organisations and model repos, compiled by scripts/known-names/compile.ts. ${config.description}`,
    sources: config.sources.map((s) => ({ id: s.id, url: `https://github.com/${s.repo}/blob/${s.commit}/${s.path}`, what: s.what })),
    entries,
  };
  parseKnownNamesFile(file, 'compiled list');
  const output = option('--output') ?? join(here, '..', '..', 'data', 'known-names.json');
  writeFileSync(output, render(file));
  process.stdout.write(`${output}: ${orgs.size} organisations, ${repos.size} repos\n`);
}

await main();
