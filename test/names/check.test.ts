import { describe, expect, it } from 'vitest';
import { isModelgateError } from '../../src/core/errors.js';
import { checkName, typosquatFindings } from '../../src/app/names/index.js';
import { compareNames } from '../../src/app/names/similarity.js';
import { skeleton } from '../../src/app/names/skeleton.js';
import { diffNames } from '../../src/app/names/diff.js';

// No refreshed list from the machine's config folder: only the shipped list.
const env = { MODELGATE_KNOWN_NAMES: '/nonexistent/known-names.json' };
const check = (name: string) => checkName(name, { env });

describe('Unicode TR39 skeletons (unhomoglyph table)', () => {
  it.each([
    ['I', 'l'],
    ['1', 'l'],
    ['|', 'l'],
    ['0', 'O'],
    ['m', 'rn'],
    ['а', 'a'], // U+0430 CYRILLIC SMALL LETTER A
    ['е', 'e'], // U+0435 CYRILLIC SMALL LETTER IE
    ['о', 'o'], // U+043E CYRILLIC SMALL LETTER O
  ])('maps %s like %s', (a, b) => {
    expect(skeleton(a)).toBe(skeleton(b));
  });
});

describe('checkName: valid names (nothing reported)', () => {
  it.each([
    'meta-llama/Llama-2-7b-chat-hf', // known repo under its known org
    'meta-llama/some-new-model', // known org owns its namespace
    'google/gemma-2b',
    'openai-community/gpt2',
    'bert-base-uncased', // legacy id on the list
    'TheBloke/Llama-2-7B-GGUF', // a quantization: its own name
    'someone/Llama-2-7b-chat-hf-GGUF',
    'someone/my-llama-finetune',
    'acme-corp/widget-detector',
    'someone/gpt2', // a legacy name reused under an org: below the default score
  ])('%s', (name) => {
    expect(check(name)).toEqual([]);
  });
});

describe('checkName: look-alikes', () => {
  it.each([
    // [name, kind, part, similarTo, severity]
    ['meta-Ilama/Llama-2-7b-chat-hf', 'homoglyph', 'org', 'meta-llama', 'high'],
    ['meta-l1ama/Llama-2-7b-chat-hf', 'homoglyph', 'org', 'meta-llama', 'high'],
    ['mеta-llama/Llama-2-7b-chat-hf', 'homoglyph', 'org', 'meta-llama', 'high'], // Cyrillic е
    ['rnicrosoft/phi-2', 'homoglyph', 'org', 'microsoft', 'high'],
    ['g00gle/gemma-2b', 'homoglyph', 'org', 'google', 'high'],
    ['metallama/Llama-2-7b-chat-hf', 'separator', 'org', 'meta-llama', 'high'],
    ['meta_llama/anything', 'separator', 'org', 'meta-llama', 'high'],
    ['microsfot/phi-2', 'transposition', 'org', 'microsoft', 'high'],
    ['meta-llaam/anything', 'transposition', 'org', 'meta-llama', 'high'],
    ['meta-lama/Llama-2-7b-chat-hf', 'edit-distance', 'org', 'meta-llama', 'medium'],
    ['mistral/Mistral-7B-v0.1', 'affix', 'org', 'mistralai', 'medium'],
    ['openai-official/whisper-tiny', 'affix', 'org', 'openai', 'medium'],
    ['Meta-Llama/Llama-2-7b-chat-hf', 'case', 'org', 'meta-llama', 'medium'],
    ['someone/LIama-2-7b-chat-hf', 'copied-name', 'name', 'meta-llama/Llama-2-7b-chat-hf', 'medium'],
    ['someone/Llama-2-7b-chat-hf', 'copied-name', 'name', 'meta-llama/Llama-2-7b-chat-hf', 'low'],
  ])('%s is %s of %s', (name, kind, part, similarTo, severity) => {
    const best = check(name)[0]!;
    expect(best).toMatchObject({ kind, part, similarTo, severity });
    expect(best.score).toBeGreaterThan(0);
    expect(best.score).toBeLessThanOrEqual(1);
    expect(best.reason).toContain(similarTo);
  });

  it('names the differing characters with their code points', () => {
    const best = check('meta-Ilama/Llama-2-7b-chat-hf')[0]!;
    expect(best.differences).toEqual([{ position: 6, input: 'I', known: 'l' }]);
    expect(best.reason).toContain("'I' (U+0049) at position 6 in place of 'l' (U+006C)");
    expect(best.knownRepo).toBe('meta-llama/Llama-2-7b-chat-hf');
  });

  it('ranks a homoglyph org above a copied repo name', () => {
    const homoglyph = check('meta-Ilama/Llama-2-7b-chat-hf')[0]!;
    const copy = check('someone/Llama-2-7b-chat-hf')[0]!;
    expect(homoglyph.score).toBeGreaterThan(copy.score);
  });

  it('accepts hf: prefixes, revisions and Hub URLs', () => {
    expect(check('hf:meta-Ilama/Llama-2-7b-chat-hf@main')[0]!.similarTo).toBe('meta-llama');
    expect(check('https://huggingface.co/meta-Ilama/Llama-2-7b-chat-hf/tree/main')[0]!.similarTo).toBe('meta-llama');
  });

  it.each(['', 'a/b/c', 'has space/x', '/x', 'x/'])('refuses %j with a USAGE error', (name) => {
    let error: unknown;
    try {
      check(name);
    } catch (e) {
      error = e;
    }
    expect(isModelgateError(error, 'USAGE')).toBe(true);
  });
});

describe('compareNames', () => {
  it('never matches a name with itself, and ignores unrelated names', () => {
    expect(compareNames('meta-llama', 'meta-llama')).toBeUndefined();
    expect(compareNames('stabilityai', 'meta-llama')).toBeUndefined();
    // Short names: one edit is too common to mean anything.
    expect(compareNames('bert', 'best')).toBeUndefined();
  });
  it('merges neighbouring edits into one span', () => {
    expect(diffNames('rnicrosoft', 'microsoft')).toEqual([{ position: 1, input: 'rn', known: 'm' }]);
  });
});

describe('typosquatFindings', () => {
  it('builds repo/typosquat findings with severity from the score', () => {
    const findings = typosquatFindings('meta-Ilama/Llama-2-7b-chat-hf', 'hf:meta-Ilama/Llama-2-7b-chat-hf', { env });
    expect(findings[0]).toMatchObject({ ruleId: 'repo/typosquat', severity: 'high', target: 'hf:meta-Ilama/Llama-2-7b-chat-hf' });
    expect(findings[0]!.evidence).toMatch(/meta-Ilama ~ meta-llama \(homoglyph, score 0\.99\)/);
    expect(findings[0]!.references).toContain('CWE-1007');
    expect(typosquatFindings('meta-llama/Llama-2-7b-chat-hf', 'x', { env })).toEqual([]);
  });
});
