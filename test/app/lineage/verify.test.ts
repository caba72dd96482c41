import { describe, expect, it } from 'vitest';
import { verifyEdge, type VersionEvidence } from '../../../src/app/lineage/index.js';
import { digestsOf, llama, sha256, trained } from './models.js';

const COMMIT = 'a'.repeat(40);
const EMPTY = sha256(Buffer.alloc(0));

/** A version with the given files (path → content) and, optionally, hashed tensors. */
function version(fields: Partial<VersionEvidence> & { contents?: Record<string, string> }): VersionEvidence {
  const files = Object.entries(fields.contents ?? {}).map(([path, text]) => ({ path, sha256: sha256(Buffer.from(text)) }));
  return { rootDigest: `sha256:${sha256(Buffer.from(JSON.stringify(files)))}`, files, ...fields };
}

const base = version({
  repo: 'org/base',
  revision: COMMIT,
  contents: { 'model.safetensors': 'base weights', '.gitattributes': '*.bin lfs', 'tokenizer.json': '{}' },
});

describe('verifyEdge: adapters', () => {
  it('verifies an adapter whose adapter_config.json names the parent repo, pinned or not', () => {
    expect(verifyEdge(version({ adapterBase: 'Org/Base' }), base)).toMatchObject({
      status: 'verified',
      evidence: [expect.stringContaining('no revision pinned')],
    });
    expect(verifyEdge(version({ adapterBase: 'org/base', adapterRevision: 'aaaaaaa' }), base).status).toBe('verified');
    expect(verifyEdge(version({ adapterBase: 'org/base', adapterRevision: base.rootDigest }), base).status).toBe('verified');
  });

  it('does not verify an adapter of another repo, or pinned to another version', () => {
    const other = verifyEdge(version({ adapterBase: 'org/other' }), base);
    expect(other).toEqual({ status: 'declared', evidence: ['adapter_config.json names org/other as its base, not org/base'] });
    const pinned = verifyEdge(version({ adapterBase: 'org/base', adapterRevision: 'b'.repeat(40) }), base);
    expect(pinned).toMatchObject({ status: 'declared', evidence: [expect.stringContaining('another version')] });
    expect(verifyEdge(version({ adapterBase: 'org/base', adapterRevision: 'aaaa' }), base).status).toBe('declared');
    expect(verifyEdge(version({ adapterBase: 'org/base' }), { ...base, repo: undefined }).status).toBe('declared');
  });
});

describe('verifyEdge: shared files', () => {
  it('verifies a child that carries a weight file of the parent byte for byte', () => {
    const child = version({ contents: { 'vision/model.safetensors': 'base weights', 'README.md': 'mine' } });
    expect(verifyEdge(child, base)).toEqual({
      status: 'verified',
      evidence: ["1 weight file(s) are byte for byte the parent's (SHA-256): vision/model.safetensors"],
    });
  });

  it('does not count files every model of a family shares, or empty ones', () => {
    const child = version({ contents: { '.gitattributes': '*.bin lfs', 'tokenizer.json': '{}', 'model.safetensors': 'other weights' } });
    expect(verifyEdge(child, base).status).toBe('declared');
    const empty = { path: 'empty.bin', sha256: EMPTY };
    expect(verifyEdge({ ...child, files: [empty] }, { ...base, files: [empty] }).status).toBe('declared');
  });
});

describe('verifyEdge: shared tensors', () => {
  const parent = { ...base, tensors: digestsOf(llama({ layers: 2, seed: 'parent' })).digests };

  it('verifies a quantisation that kept the parent’s norms, embeddings and head', () => {
    const quantised = llama({ layers: 2, seed: 'q', normSeed: 'parent', embeddingSeed: 'parent', quantised: true });
    const verdict = verifyEdge(version({ tensors: digestsOf(quantised).digests }), parent);
    expect(verdict.status).toBe('verified');
    // 7 of the parent's 21 (its rotary frequencies are computed, not learned); the child's single-value qzeros are constants.
    expect(verdict.evidence).toEqual([
      expect.stringMatching(/^7 of 35 informative tensors identical to the parent's \(which has 21\): model\.embed_tokens\.weight, .* and 2 more; at least/),
    ]);
  });

  it('verifies a finetune made by merging a LoRA: the modules it did not target are the parent’s', () => {
    const merged = llama({ layers: 2, seed: 'parent' }).map((t) => (/q_proj|v_proj/.test(t.name) ? { ...t, data: Buffer.from(t.data).fill(7, 0, 4) } : t));
    expect(verifyEdge(version({ tensors: digestsOf(merged).digests }), parent).status).toBe('verified');
  });

  it('does not verify an unrelated model, even with constant and computed tensors alike', () => {
    const untrained = (seed: string) => digestsOf(llama({ layers: 2, seed, normSeed: 'init' })).digests;
    const verdict = verifyEdge(version({ tensors: untrained('one') }), version({ tensors: untrained('two') }));
    expect(verdict).toEqual({
      status: 'declared',
      evidence: [expect.stringMatching(/^0 of 16 informative tensors identical to the parent's \(which has 16\); under/)],
    });
  });

  it('does not verify a sibling that shares only a frozen grandparent’s embeddings', () => {
    // Two tensors of 75: the grandparent's embeddings and head, under 10 % of either model.
    const sibling = (seed: string) => digestsOf(llama({ layers: 8, seed, embeddingSeed: 'grandparent' })).digests;
    const verdict = verifyEdge(version({ tensors: sibling('a') }), version({ tensors: sibling('b') }));
    expect(verdict).toMatchObject({
      status: 'declared',
      evidence: [expect.stringMatching(/^2 of 75 .*: model\.embed_tokens\.weight, lm_head\.weight; under/)],
    });
    // One shared tensor is never enough, whatever the share (here a third).
    const tiny = (seed: string) => digestsOf([trained('embed', [4, 4], 'grandparent'), trained('norm', [4], seed), trained('head', [4, 4], seed)]).digests;
    expect(verifyEdge(version({ tensors: tiny('a') }), version({ tensors: tiny('b') }))).toMatchObject({
      status: 'declared',
      evidence: [expect.stringMatching(/^1 of 3 /)],
    });
  });

  it('says so when there is nothing to compare', () => {
    expect(verifyEdge(version({}), version({}))).toEqual({
      status: 'declared',
      evidence: ['no adapter base, no shared weight file and no hashed tensors to compare'],
    });
  });
});
