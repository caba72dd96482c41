import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../../src/app/index.js';
import { judge, parseLabels, renderJudgement } from '../../src/app/eval/judge.js';

/** The labelled corpus, copied into the repository (eval/corpus/PROVENANCE.md). */
const CORPUS = resolve('eval/corpus');
/** The pickle family: what issue #2's scanner must get all right. */
const PICKLE_FAMILY = ['pickle', 'pytorch', 'joblib', 'npy', 'npz', 'zip', '7z'];

describe('the labelled corpus', () => {
  it('is present in the repository', () => {
    expect(existsSync(join(CORPUS, 'labels.jsonl'))).toBe(true);
  });

  it.each([
    ['the pickle family', PICKLE_FAMILY],
    ['every format', []],
  ])('flags every malicious file and keeps every benign one clean: %s', async (_what, formats) => {
    const labels = parseLabels(readFileSync(join(CORPUS, 'labels.jsonl'), 'utf8'), formats);
    expect(labels.length).toBeGreaterThan(150);
    const judgement = judge(await scan([CORPUS], { hash: false }), labels);
    const wrong = judgement.judged.filter((j) => j.outcome !== 'detected' && j.outcome !== 'clean');
    expect(wrong.map((w) => `${w.outcome} ${w.label.path} (${w.verdict})`), renderJudgement(judgement)).toEqual([]);
    expect(judgement.missingFiles).toEqual([]);
    expect(judgement.allRight).toBe(true);
  });
});
