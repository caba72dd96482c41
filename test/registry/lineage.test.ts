import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approve, attestation, createSubmission, finishUpload, impactOf, review, uploadFile, versionView } from '../../src/app/registry/index.js';
import { buildSafetensors } from '../../src/formats/safetensors/builder.js';
import { llama } from '../app/lineage/models.js';
import { chunks, DATABASES, PEOPLE, testRegistry, until, type TestRegistry } from '../helpers/registry.js';

describe.each(DATABASES)('registry lineage on %s', (kind) => {
  let t: TestRegistry;
  beforeAll(async () => {
    t = await testRegistry(kind);
  });
  afterAll(async () => t?.close());

  async function submit(model: string, files: Record<string, Buffer | string>): Promise<string> {
    const ctx = t.registry.ctx;
    const v = await createSubmission(ctx, PEOPLE.alice, { model, source: { kind: 'upload' } });
    for (const [path, bytes] of Object.entries(files)) await uploadFile(ctx, PEOPLE.alice, v.id, path, chunks(bytes));
    await finishUpload(ctx, PEOPLE.alice, v.id);
    await until(t.registry, v.id, ['review', 'rejected']);
    return v.id;
  }

  it('verifies a declared quantisation by its shared tensors, keeps an unknown base as declared, and walks the blast radius', async () => {
    const ctx = t.registry.ctx;
    const base = await submit('meta/llama-tiny', {
      'model.safetensors': buildSafetensors({ tensors: llama({ layers: 2, seed: 'parent' }) }),
      'README.md': '# tiny\n',
    });
    await review(ctx, PEOPLE.bob, base, 'accept');
    await approve(ctx, PEOPLE.carol, base);
    const quant = await submit('acme/llama-tiny-gptq', {
      'model.safetensors': buildSafetensors({ tensors: llama({ layers: 2, seed: 'q', normSeed: 'parent', embeddingSeed: 'parent', quantised: true }) }),
      'README.md': '---\nbase_model: meta/llama-tiny\nbase_model_relation: quantized\n---\n# gptq\n',
    });
    const liar = await submit('acme/not-really', {
      'model.safetensors': buildSafetensors({ tensors: llama({ layers: 2, seed: 'other' }) }),
      'README.md': '---\nbase_model:\n  - meta/llama-tiny\n  - someone/absent\n---\n',
    });
    const q = await versionView(ctx, quant);
    expect(q.parents).toEqual([
      expect.objectContaining({ parent_model_id: 'meta/llama-tiny', parent_version_id: base, relation: 'quantized', status: 'verified' }),
    ]);
    expect(JSON.parse(q.parents[0]!.evidence).join(' ')).toMatch(/informative tensors identical/);
    const l = await versionView(ctx, liar);
    expect(l.parents.map((p) => [p.parent_model_id, p.parent_version_id, p.status]).sort()).toEqual([
      ['meta/llama-tiny', null, 'declared'],
      ['someone/absent', null, 'declared'],
    ]);
    expect((await versionView(ctx, base)).children.map((c) => c.child_version_id)).toEqual([quant]);
    // The blast radius counts declared edges too: a claim nobody verified still points at the base.
    const impact = await impactOf(ctx, { model: 'meta/llama-tiny' });
    expect(impact.versions.map((v) => v.version.id).sort()).toEqual([base, quant, liar].sort());
    expect(impact.versions.find((v) => v.version.id === quant)?.via?.status).toBe('verified');
    // The approval's ML-BOM names the verified parent in pedigree.ancestors, with its root digest.
    await review(ctx, PEOPLE.bob, quant, 'accept');
    await approve(ctx, PEOPLE.carol, quant);
    const bom = JSON.parse((await attestation(ctx, quant, 'bom')).body);
    const baseView = await versionView(ctx, base);
    expect(bom.metadata.component.pedigree.ancestors).toEqual([
      expect.objectContaining({
        group: 'meta',
        name: 'llama-tiny',
        version: base,
        hashes: [{ alg: 'SHA-256', content: baseView.root_digest }],
        properties: [
          { name: 'modelgate:relation', value: 'quantized' },
          { name: 'modelgate:lineage', value: 'verified' },
        ],
      }),
    ]);
  });
});
