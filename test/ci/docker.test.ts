import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, models, runScript } from './ci-helpers.js';

/*
 * The machine these tests run on has no Docker daemon, so the image is not built here: the
 * Dockerfile's structure is checked, and its entry script is run directly against this checkout.
 */
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const lines = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const instructions = lines.map((l) => {
  const [op, ...rest] = l.split(/\s+/);
  return { op: op!.toUpperCase(), args: rest.join(' ') };
});
const stages = instructions.reduce<(typeof instructions)[]>((all, i) => {
  if (i.op === 'FROM') all.push([]);
  all.at(-1)!.push(i);
  return all;
}, []);
const ENTRY = join(ROOT, 'scripts/docker-entry.sh');

describe('Dockerfile', () => {
  const final = stages.at(-1)!;
  const from = (stage: typeof final) => stage.find((i) => i.op === 'FROM')!.args;

  it('builds on Debian slim Node 20 in every stage', () => {
    for (const stage of stages) expect(from(stage)).toMatch(/^node:20-bookworm-slim(@sha256:[0-9a-f]{64})?( AS \w+)?$/);
  });

  it('runs as a non-root user, set after the last root-only step', () => {
    const users = final.filter((i) => i.op === 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)!.args).not.toMatch(/^(root|0)(:|$)/);
    const lastUser = final.lastIndexOf(users.at(-1)!);
    expect(final.slice(lastUser).some((i) => i.op === 'RUN')).toBe(false);
  });

  it('installs runtime dependencies only, without install scripts', () => {
    const installs = final.filter((i) => i.op === 'RUN' && /\bnpm (ci|install)\b/.test(i.args));
    expect(installs.length).toBe(1);
    expect(installs[0]!.args).toContain('--omit=dev');
    expect(installs[0]!.args).toContain('--ignore-scripts');
  });

  it('has the entry script as ENTRYPOINT, and scans /scan by default', () => {
    const entry = final.find((i) => i.op === 'ENTRYPOINT')!;
    expect(JSON.parse(entry.args)).toEqual(['/usr/local/bin/modelgate-entry']);
    expect(final.some((i) => i.op === 'COPY' && i.args === 'scripts/docker-entry.sh /usr/local/bin/modelgate-entry')).toBe(true);
    expect(JSON.parse(final.find((i) => i.op === 'CMD')!.args)).toEqual(['scan', '/scan']);
    expect(final.find((i) => i.op === 'WORKDIR' && i.args === '/scan')).toBeDefined();
  });

  it('carries no secrets and fetches nothing by ADD', () => {
    expect(instructions.some((i) => i.op === 'ADD')).toBe(false);
    expect(instructions.some((i) => i.op === 'ARG' && /token|secret|password|key/i.test(i.args))).toBe(false);
    expect(instructions.some((i) => i.op === 'ENV' && /token|secret|password|_key/i.test(i.args))).toBe(false);
    expect(dockerfile).not.toMatch(/\.npmrc|NPM_TOKEN|HF_TOKEN|--mount=type=secret/);
  });

  it('copies only files the .dockerignore lets in', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', 'dist', 'test', '.env', '.npmrc']));
    const copied = instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const path of copied) {
      expect(ignored, path).not.toContain(path.replace(/\/$/, ''));
      expect(statSync(join(ROOT, path)).isFile() || statSync(join(ROOT, path)).isDirectory()).toBe(true);
    }
  });
});

describe('the image entry script, run directly', () => {
  const env = { MODELGATE_HOME: ROOT };

  it('is executable', () => {
    expect(statSync(ENTRY).mode & 0o111).not.toBe(0);
  });

  it('passes its arguments to modelgate and returns its exit code', () => {
    const m = models();
    const benign = runScript('sh', ENTRY, ['scan', join(m.dir, 'benign')], env, m.dir);
    expect(benign.status).toBe(0);
    const malicious = runScript('sh', ENTRY, ['scan', m.dir, '--format', 'json'], env, m.dir);
    expect(malicious.status).toBe(1);
    const report = JSON.parse(malicious.stdout) as { summary: { malicious: number; clean: number } };
    expect(report.summary).toMatchObject({ malicious: 1 });
    expect(runScript('sh', ENTRY, ['scan', join(m.dir, 'gone')], env, m.dir).status).toBe(2);
  });

  it('scans /scan when run without arguments', () => {
    const r = runScript('sh', ENTRY, [], env, ROOT);
    // /scan does not exist on this machine: modelgate was asked for it, and says it cannot read it.
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('/scan');
  });
});
