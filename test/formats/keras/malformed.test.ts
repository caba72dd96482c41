import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { FileSource } from '../../../src/sources/local/file-source.js';
import { verdictOf } from '../../../src/core/finding.js';
import { initHdf5, scanHdf5, scanKerasArchive } from '../../../src/engine/handlers/keras.js';
import { OS_SYSTEM_LAMBDA, k3Lambda, k3Sequential, lambdaText } from '../../../src/formats/keras/builder.js';
import { readHdf5Root } from '../../../src/formats/hdf5/reader.js';
import { MAX_CONFIG_BYTES } from '../../../src/formats/keras/parse.js';
import { context, fixture, kerasMembers, summary } from './helpers.js';

const lambdaConfig = JSON.stringify(k3Sequential([k3Lambda('l', lambdaText(OS_SYSTEM_LAMBDA))]));

let dir: string;
const written: Record<string, string> = {};
beforeAll(async () => {
  await initHdf5();
  dir = mkdtempSync(join(tmpdir(), 'keras-malformed-test-'));
  written.badJson = await h5WithAttributes('bad-json.h5', { model_config: '{"class_name": "Sequential", "config": {', training_config: lambdaConfig });
  written.deep = await h5WithAttributes('deep.h5', { model_config: `[${lambdaConfig}, ${'['.repeat(5000)}${']'.repeat(5000)}]` });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes an HDF5 file whose root has the given string attributes (h5wasm as the writer). */
async function h5WithAttributes(name: string, attrs: Record<string, string>): Promise<string> {
  const h5 = await import('h5wasm/node');
  await h5.ready;
  const path = join(dir, name);
  const file = new h5.File(path, 'w');
  for (const [key, value] of Object.entries(attrs)) file.create_attribute(key, value);
  file.close();
  return path;
}

function scanFile(path: string) {
  const { ctx, findings } = context(path);
  const source = new FileSource(path);
  try {
    return { format: scanHdf5(source, ctx), findings };
  } finally {
    source.close();
  }
}

describe('malformed HDF5', () => {
  const good = readFileSync(fixture('legacy_lambda.h5'));

  it('never comes out clean when truncated, at any of many cut points', () => {
    for (const cut of [0, 8, 64, 511, 512, 2048, 4096, 8000, good.length - 1]) {
      const { ctx, findings } = context(`cut${cut}.h5`);
      expect(() => scanHdf5(new BufferSource(good.subarray(0, cut)), ctx)).not.toThrow();
      expect(verdictOf(findings), `cut at ${cut}`).not.toBe('clean');
      expect(findings.some((f) => f.fatal)).toBe(true);
    }
  });

  it('reports the signature followed by garbage as unreadable', () => {
    const bytes = Buffer.concat([good.subarray(0, 8), Buffer.alloc(4000, 0xa5)]);
    const { ctx, findings } = context('garbage.h5');
    expect(scanHdf5(new BufferSource(bytes), ctx)).toBe('hdf5');
    expect(summary(findings)).toEqual(['container/malformed low fatal MALFORMED']);
  });

  it('survives flipped bytes without throwing, and reads good files afterwards', () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 60; i++) {
      const bytes = Buffer.from(good);
      for (let k = 0; k < 8; k++) bytes[rand() % bytes.length] = rand() & 0xff;
      const { ctx } = context('flip.h5');
      expect(() => scanHdf5(new BufferSource(bytes), ctx)).not.toThrow();
    }
    expect(summary(scanFile(fixture('keras2_lambda_os.h5')).findings)).toEqual(['keras/lambda-layer critical']);
  });

  // Found by fuzzing: h5wasm's own attribute reader frees uninitialised pointers after this
  // file's failed read, and libhdf5 then aborts, killing its WebAssembly instance.
  it('reads a file on which h5wasm would abort as an error, and goes on', () => {
    expect(summary(scanFile(fixture('frees-garbage.h5')).findings)).toEqual(['container/malformed low fatal MALFORMED']);
    expect(summary(scanFile(fixture('keras2_lambda_os.h5')).findings)).toEqual(['keras/lambda-layer critical']);
  });

  // Found by fuzzing: libhdf5 never returns on this file; its thread is dropped at the timeout.
  it('gives up on a file libhdf5 loops on, and reads good files afterwards', () => {
    const opts = { maxCopyBytes: 1e9, maxChars: 1e6, timeoutMs: 1500 };
    expect(() => readHdf5Root(new FileSource(fixture('loops-forever.h5')), ['model_config'], opts)).toThrow(/did not finish/);
    expect(readHdf5Root(new FileSource(fixture('legacy_dense.h5')), ['backend'], opts).attributes.get('backend')?.text).toBe('tensorflow');
  });

  it('makes bad JSON in model_config an error, and still judges training_config', () => {
    const { format, findings } = scanFile(written.badJson!);
    expect(format).toBe('keras-h5');
    expect(summary(findings)).toEqual(['container/malformed low fatal TRUNCATED', 'keras/lambda-layer critical']);
  });

  it('reports a config nested past the limit, with what came before it', () => {
    const { findings } = scanFile(written.deep!);
    expect(summary(findings)).toEqual(['keras/lambda-layer critical', 'container/malformed low fatal LIMIT_DEPTH']);
  });
});

describe('malformed .keras config', () => {
  const members = kerasMembers(fixture('keras3_lambda_os.keras'));
  const config = members.get('config.json')!;

  it.each([
    ['bad JSON', Buffer.from('{"module": "keras", '), 'TRUNCATED'],
    ['not JSON at all', Buffer.from('PK\x03\x04 binary'), 'MALFORMED'],
    ['empty', Buffer.alloc(0), 'TRUNCATED'],
  ])('makes %s an error', (_name, bytes, code) => {
    const { ctx, findings } = context('m.keras');
    scanKerasArchive({ config: bytes }, ctx);
    expect(summary(findings)).toEqual([`container/malformed low fatal ${code}`]);
  });

  it('refuses a config over the size limit', () => {
    const { ctx, findings } = context('huge.keras');
    scanKerasArchive({ config: Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x20) }, ctx);
    expect(summary(findings)).toEqual(['container/malformed low fatal LIMIT_MEMBER_BYTES']);
  });

  it('reports a deep config with NaN (Python JSON) as a depth limit', () => {
    const { ctx, findings } = context('deep.keras');
    scanKerasArchive({ config: Buffer.from(`${'['.repeat(3000)}NaN${']'.repeat(3000)}`) }, ctx);
    expect(summary(findings)).toEqual(['container/malformed low fatal LIMIT_DEPTH']);
  });

  it('judges a lambda whose code is not base64 and not marshal as high', () => {
    const text = config.toString('utf8').replace(/"code": "[^"]*"/, '"code": "!!not code!!"');
    const { ctx, findings } = context('m.keras');
    scanKerasArchive({ config: Buffer.from(text) }, ctx);
    expect(summary(findings)).toEqual(['keras/lambda-layer high']);
    expect(findings[0]!.message).toContain('could not decode');
  });

  it('survives flipped bytes in config.json without throwing or hanging', () => {
    let seed = 3;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(config);
      for (let k = 0; k < 4; k++) bytes[rand() % bytes.length] = rand() & 0xff;
      const { ctx, findings } = context('flip.keras');
      expect(() => scanKerasArchive({ config: bytes }, ctx)).not.toThrow();
      // Flips inside the base64 keep a Lambda: it may lose its names but never its finding.
      if (bytes.includes('"class_name": "Lambda"') && bytes.includes('"__lambda__"')) expect(verdictOf(findings)).not.toBe('clean');
    }
  });
});
