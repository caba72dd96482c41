import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertShards, shardOutputName } from '../../src/app/convert/shards.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/convert');

describe('convert: sharded checkpoints with pytorch_model.bin.index.json', () => {
  it('writes model-0000X-of-0000N.safetensors and model.safetensors.index.json byte for byte as convert.py does', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mg-convert-shards-')), 'out');
    const result = await convertShards(join(FIXTURES, 'shards'), out, { verify: true });
    expect(result.status).toBe('converted');
    const golden = join(FIXTURES, 'shards-golden');
    expect(readdirSync(out).sort()).toEqual(readdirSync(golden).sort());
    for (const name of readdirSync(golden)) expect(readFileSync(join(out, name)).equals(readFileSync(join(golden, name)))).toBe(true);
  });

  it('one malicious shard refuses the whole folder, and nothing is written', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mg-convert-shards-'));
    const folder = join(root, 'in');
    mkdirSync(folder);
    for (const name of readdirSync(join(FIXTURES, 'shards'))) copyFileSync(join(FIXTURES, 'shards', name), join(folder, name));
    copyFileSync(join(FIXTURES, 'malicious.pt'), join(folder, 'pytorch_model-00002-of-00002.bin'));
    const out = join(root, 'out');
    const result = await convertShards(folder, out);
    expect(result).toMatchObject({ status: 'refused', verdict: 'malicious' });
    expect(readdirSync(out)).toEqual([]);
  });

  it('an index naming a shard outside the folder is MALFORMED', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mg-convert-shards-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(root, 'pytorch_model.bin.index.json'), JSON.stringify({ weight_map: { w: '../x.bin' } }));
    await expect(convertShards(root, join(root, 'out'))).rejects.toMatchObject({ code: 'MALFORMED' });
  });

  it('renames as convert.py does', () => {
    expect(shardOutputName('pytorch_model-00001-of-00002.bin')).toBe('model-00001-of-00002.safetensors');
  });
});
