import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  approve,
  createSubmission,
  createToken,
  finishUpload,
  review,
  revoke,
  servedCommit,
  uploadFile,
  versionView,
  type Registry,
} from '../../src/app/registry/index.js';
import { buildSafetensors } from '../../src/formats/safetensors/builder.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { chunks, freshDatabase, PEOPLE, until, type DatabaseKind } from '../helpers/registry.js';

/** A version's files, by path. */
export type Files = Record<string, Buffer>;

/** A version the tests ask for, with the commit id the endpoint serves it at. */
export interface Made {
  id: string;
  commit: string;
  files: Files;
}

/**
 * A registry server on 127.0.0.1 (SQLite) holding `acme/bert` in every state the endpoint must
 * tell apart: two approved versions (`main` is the newer), one still in review, one revoked
 * (the newest of all, so `main` must skip it), and `acme/pending` with nothing approved.
 */
export interface HfWorld {
  server: RunningServer;
  registry: Registry;
  /** A registry token of a principal with no role but auditor: any role reads. */
  token: string;
  v1: Made;
  v2: Made;
  inReview: Made;
  revoked: Made;
  pending: Made;
  close(): Promise<void>;
}

const config = (hidden: number): Buffer => Buffer.from(JSON.stringify({ architectures: ['BertModel'], model_type: 'bert', hidden_size: hidden }, null, 2));

/** Safetensors bytes over a megabyte (@huggingface/hub streams such a file by ranges), data not all zeros. */
function weights(seed: number): Buffer {
  const bytes = buildSafetensors({ tensors: [{ name: 'embeddings.weight', dtype: 'F32', shape: [512, 640] }], dataBytes: 512 * 640 * 4 });
  const header = 8 + Number(bytes.readBigUInt64LE(0));
  for (let i = header; i < bytes.length; i += 4) bytes.writeFloatLE(((i * 7 + seed) % 1000) / 1000, i);
  return bytes;
}

async function submit(registry: Registry, model: string, files: Files, to: 'review' | 'approved' | 'revoked'): Promise<Made> {
  const ctx = registry.ctx;
  const v = await createSubmission(ctx, PEOPLE.alice, { model, source: { kind: 'upload' } });
  for (const [path, bytes] of Object.entries(files)) await uploadFile(ctx, PEOPLE.alice, v.id, path, chunks(bytes));
  await finishUpload(ctx, PEOPLE.alice, v.id);
  const state = await until(registry, v.id, ['review', 'rejected']);
  if (state !== 'review') throw new Error(`the test version ${v.id} was ${state}: ${(await versionView(ctx, v.id)).state_reason}`);
  if (to !== 'review') {
    await review(ctx, PEOPLE.bob, v.id, 'accept');
    if ((await approve(ctx, PEOPLE.carol, v.id)).state !== 'approved') await approve(ctx, PEOPLE.dave, v.id);
    if (to === 'revoked') await revoke(ctx, PEOPLE.carol, v.id, 'backdoor reported');
  }
  const view = await versionView(ctx, v.id);
  const commit = servedCommit(view, view.files);
  if (!commit) throw new Error(`version ${v.id} has no root digest`);
  return { id: v.id, commit, files };
}

export async function hfWorld(kind: DatabaseKind): Promise<HfWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-hf-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, databaseUrl: kind === 'postgres' ? await freshDatabase() : undefined });
  const registry = server.registry;
  const token = await createToken(registry.ctx, PEOPLE.root, 'reader', ['auditor']);
  const readme = Buffer.from('# bert\n\nA test model.\n');
  const v1 = await submit(registry, 'acme/bert', { 'config.json': config(128), 'README.md': readme, 'model.safetensors': weights(1) }, 'approved');
  const v2 = await submit(
    registry,
    'acme/bert',
    { 'config.json': config(256), 'README.md': readme, 'model.safetensors': weights(2), 'tokenizer/vocab.txt': Buffer.from('[PAD]\n[UNK]\nhello\n') },
    'approved',
  );
  const inReview = await submit(registry, 'acme/bert', { 'config.json': config(512) }, 'review');
  const revoked = await submit(registry, 'acme/bert', { 'config.json': config(1024) }, 'revoked');
  const pending = await submit(registry, 'acme/pending', { 'config.json': config(64) }, 'review');
  return {
    server,
    registry,
    token,
    v1,
    v2,
    inReview,
    revoked,
    pending,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
