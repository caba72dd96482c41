import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isModelgateError } from '../../src/core/errors.js';
import { loadKnownNames, readKnownNamesFile, SHIPPED_LIST } from '../../src/app/names/known-list.js';
import { compareNames } from '../../src/app/names/similarity.js';
import { checkName, severityForScore } from '../../src/app/names/check.js';

const shipped = readKnownNamesFile(SHIPPED_LIST);
const known = loadKnownNames();

/**
 * Real organisations that look alike. They are on the list, so neither is ever flagged (a
 * known org is never compared); the pairs are kept here so a new near-duplicate shows up.
 */
const GENUINELY_SIMILAR = [
  'HuggingFaceH4 ~ HuggingFaceM4', // Hugging Face's H4 and M4 teams
  'ibm ~ ibm-research',
];

describe('the shipped known-names list', () => {
  it('is dated, described, and has at least 500 entries, each with its source', () => {
    expect(shipped.generated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(shipped.description.length).toBeGreaterThan(20);
    expect(shipped.entries.length).toBeGreaterThanOrEqual(500);
    for (const entry of shipped.entries) expect(entry.from.length).toBeGreaterThan(0);
    expect(known.orgs.has('meta-llama')).toBe(true);
    expect(known.repos.has('meta-llama/Llama-2-7b-chat-hf')).toBe(true);
  });

  it('flags no organisation of the list against another at medium or high, except documented pairs', () => {
    const orgs = [...known.orgs.keys()];
    const pairs: string[] = [];
    for (const a of orgs) {
      for (const b of orgs) {
        const similar = a < b ? compareNames(a, b, { allowAffix: true }) : undefined;
        if (!similar) continue;
        expect(severityForScore(similar.score), `${a} ~ ${b}`).not.toBe('high');
        if (similar.score >= 0.65) pairs.push(`${a} ~ ${b}`);
      }
    }
    expect(pairs.sort()).toEqual([...GENUINELY_SIMILAR].sort());
  });

  it('reports no entry of the list when it is checked', () => {
    const flagged = [...known.repos.keys()].filter((id) => checkName(id, { known }).length > 0);
    expect(flagged).toEqual([]);
  });
});

describe('reading lists fails closed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mg-names-'));
  it.each([
    ['not JSON', '{', 'MALFORMED'],
    ['the wrong schema', JSON.stringify({ schema: 'x', generated: '2026-01-01', description: '', entries: [] }), 'MALFORMED'],
    [
      'a bad id',
      JSON.stringify({ schema: 'modelgate/known-names@1', generated: '2026-01-01', description: '', entries: [{ id: 'a b', kind: 'repo', from: ['x'] }] }),
      'MALFORMED',
    ],
  ])('a list with %s is an error, not an empty list', (_what, text, code) => {
    const file = join(dir, `${code}-${Math.random()}.json`);
    writeFileSync(file, text);
    let error: unknown;
    try {
      loadKnownNames({ extraLists: [file] });
    } catch (e) {
      error = e;
    }
    expect(isModelgateError(error, code as 'MALFORMED')).toBe(true);
  });

  it('reads an extra list next to the shipped one', () => {
    const file = join(dir, 'extra.json');
    writeFileSync(
      file,
      JSON.stringify({
        schema: 'modelgate/known-names@1',
        generated: '2026-01-01',
        description: 'test',
        entries: [{ id: 'acme-models/widget', kind: 'repo', from: ['test'] }],
      }),
    );
    const merged = loadKnownNames({ extraLists: [file] });
    expect(merged.orgs.has('acme-models')).toBe(true);
    expect(checkName('acme-modeIs/widget', { known: merged })[0]).toMatchObject({ kind: 'homoglyph', similarTo: 'acme-models' });
  });
});
