import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertFile } from '../../src/app/convert/convert.js';
import { writeAtomically } from '../../src/app/convert/output.js';
import { runCli } from '../helpers/cli.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/convert');
const run = (...args: string[]) => runCli(args);

/** A fresh folder per case, so "nothing was written" means the folder stays empty. */
const fresh = () => mkdtempSync(join(tmpdir(), 'mg-convert-refuse-'));

describe('convert: refusals write nothing', () => {
  it('a malicious checkpoint is refused with the scan findings', async () => {
    const dir = fresh();
    const outcome = await convertFile(join(FIXTURES, 'malicious.pt'), join(dir, 'out.safetensors'));
    expect(outcome.status).toBe('refused');
    if (outcome.status !== 'refused') return;
    expect(outcome.verdict).toBe('malicious');
    expect(outcome.findings.map((f) => f.ruleId)).toContain('pickle/dangerous-callable');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a clean checkpoint that uses something outside the conversion allow-list is refused', async () => {
    const dir = fresh();
    const outcome = await convertFile(join(FIXTURES, 'namespace.pt'), join(dir, 'out.safetensors'));
    expect(outcome.status).toBe('refused');
    if (outcome.status !== 'refused') return;
    expect(outcome.verdict).toBe('clean');
    expect(outcome.reason).toContain('argparse.Namespace');
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ['non-tensor', 'UNSUPPORTED'],
    ['complex128', 'UNSUPPORTED'],
    ['big-endian', 'UNSUPPORTED'],
  ])('%s is not converted (%s)', async (name, code) => {
    const dir = fresh();
    await expect(convertFile(join(FIXTURES, `${name}.pt`), join(dir, 'out.safetensors'))).rejects.toMatchObject({ code });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a file that is not a torch checkpoint is UNSUPPORTED; a missing one UNREADABLE', async () => {
    const dir = fresh();
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello\n');
    await expect(convertFile(text, join(dir, 'out.safetensors'))).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(convertFile(join(dir, 'missing.pt'), join(dir, 'out.safetensors'))).rejects.toMatchObject({ code: 'UNREADABLE' });
  });

  it('a truncated checkpoint is refused (scan verdict error)', async () => {
    const dir = fresh();
    const cut = join(dir, 'cut.pt');
    const { readFileSync } = await import('node:fs');
    const whole = readFileSync(join(FIXTURES, 'dtypes.pt'));
    writeFileSync(cut, whole.subarray(0, whole.length - 100));
    const outcome = await convertFile(cut, join(dir, 'out.safetensors'));
    expect(outcome).toMatchObject({ status: 'refused', verdict: 'error' });
    expect(readdirSync(dir)).toEqual(['cut.pt']);
  });

  it('an existing output is kept unless --force; the input is never the output', async () => {
    const dir = fresh();
    const output = join(dir, 'out.safetensors');
    writeFileSync(output, 'keep me');
    await expect(convertFile(join(FIXTURES, 'dtypes.pt'), output)).rejects.toMatchObject({ code: 'USAGE' });
    await expect(convertFile(join(FIXTURES, 'dtypes.pt'), join(FIXTURES, 'dtypes.pt'), { force: true })).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('a failure while writing removes the temporary file and leaves nothing at OUTPUT', async () => {
    const dir = fresh();
    const output = join(dir, 'out.safetensors');
    await expect(
      writeAtomically(output, (temp) => {
        writeFileSync(temp, 'half a file');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('modelgate convert: exit codes', () => {
  it('0 converted (with --verify), and the summary says so', () => {
    const dir = fresh();
    const r = run('convert', join(FIXTURES, 'shared.pt'), '-o', join(dir, 'm.safetensors'), '--verify');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('verified: 3 tensors');
    expect(r.stdout).toContain('alias lm_head.weight is the same view as embed.weight');
    expect(existsSync(join(dir, 'm.safetensors'))).toBe(true);
  });
  it('1 refused because of findings, or outside the conversion allow-list', () => {
    const dir = fresh();
    const bad = run('convert', join(FIXTURES, 'malicious.pt'), '-o', join(dir, 'm.safetensors'));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('REFUSED');
    expect(bad.stdout).toContain('pickle/dangerous-callable');
    expect(run('convert', join(FIXTURES, 'namespace.pt'), '-o', join(dir, 'm.safetensors')).status).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });
  it('2 on usage errors and what cannot be converted', () => {
    const dir = fresh();
    expect(run('convert', join(FIXTURES, 'dtypes.pt')).status).toBe(2); // no --output
    expect(run('convert', '-o', join(dir, 'm.safetensors')).status).toBe(2); // no input
    expect(run('convert', join(FIXTURES, 'complex128.pt'), '-o', join(dir, 'm.safetensors')).status).toBe(2);
    expect(run('convert', join(FIXTURES, 'big-endian.pt'), '-o', join(dir, 'm.safetensors')).status).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });
});
