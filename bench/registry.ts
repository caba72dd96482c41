import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { cliCommand } from '../test/helpers/cli.js';
import { osSystemPickle } from '../test/helpers/pickles.js';
import { writeTorchZip } from './torch-zip.js';

const MB = 1024 * 1024;
const ADMIN = 'mg_bench-admin-token-0123456789abcdef';
type Rows = Array<[string, string, string]>;

/** The registry server in a child process of its own (`modelgate serve`), so load comes from another process. */
async function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const { command, args } = cliCommand('serve', '--port', '0', '--data', dataDir);
  const child = spawn(command, args, {
    env: { ...process.env, MODELGATE_ADMIN_TOKEN: ADMIN, MODELGATE_ALLOWED_PATHS: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  while (!/registry at (http:\/\/\S+)/.test(out)) {
    if (child.exitCode !== null) throw new Error(`the registry did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, url: /registry at (http:\/\/\S+)/.exec(out)![1]! };
}

async function call(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: string | Buffer | NodeJS.ReadableStream,
  length?: number,
): Promise<ReturnType<typeof JSON.parse>> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (length !== undefined) headers['content-length'] = String(length);
  const res = await fetch(`${url}${path}`, { method, headers, body: body as BodyInit, duplex: 'half', window: null, redirect: 'error' } as RequestInit);
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function waitFor(url: string, token: string, id: string, states: string[]): Promise<string> {
  for (;;) {
    const v = await call(url, token, 'GET', `/api/versions/${id}`);
    if (states.includes(v.state)) return v.state;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Latency percentiles of one route under load: autocannon's own numbers, p95 from every response time. */
async function load(
  url: string,
  token: string,
  path: string,
  seconds: number,
): Promise<{ p50: number; p95: number; p99: number; rps: number; errors: number }> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: `${url}${path}`, connections: 16, duration: seconds, headers: { authorization: `Bearer ${token}` } }, (err, r) =>
      err ? reject(err) : resolve(r),
    );
    instance.on('response', (_client, _status, _bytes, ms) => times.push(ms));
  });
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), rps: result.requests.average, errors: result.errors + result.non2xx };
}

/**
 * The registry (SQLite, embedded pipeline) in a child process: API latency p50/p95/p99 under
 * load from this process (autocannon), submissions per second end to end (upload, scan,
 * verdict), and the time from submitting a 2 GB PyTorch checkpoint to its verdict.
 */
export async function benchRegistry(dir: string, rows: Rows): Promise<void> {
  const dataDir = join(dir, 'registry');
  mkdirSync(dataDir, { recursive: true });
  const { child, url } = await startServer(dataDir);
  try {
    const tokens: Record<string, string> = {};
    for (const [name, role] of [
      ['alice', 'submitter'],
      ['bob', 'reviewer'],
      ['carol', 'approver'],
      ['erin', 'auditor'],
    ] as const)
      tokens[name] = (await call(url, ADMIN, 'POST', '/api/tokens', JSON.stringify({ principal: name, roles: [role] }))).token;
    // Submissions per second: 50 at once, each two files, from upload to verdict.
    const started = performance.now();
    const ids = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const v = await call(url, tokens.alice!, 'POST', '/api/submissions', JSON.stringify({ model: `bench/m${i}`, source: { kind: 'upload' } }));
        await call(url, tokens.alice!, 'PUT', `/api/versions/${v.id}/files/config.json`, '{"model_type": "bert"}');
        await call(
          url,
          tokens.alice!,
          'PUT',
          `/api/versions/${v.id}/files/model.bin`,
          i % 5 === 0 ? osSystemPickle('id') : Buffer.from('\x80\x02}q\x00.', 'latin1'),
        );
        await call(url, tokens.alice!, 'POST', `/api/versions/${v.id}/finish`);
        return v.id as string;
      }),
    );
    for (const id of ids) await waitFor(url, tokens.alice!, id, ['review', 'rejected']);
    const seconds = (performance.now() - started) / 1000;
    rows.push([
      'registry: 50 concurrent submissions, upload to verdict',
      `${(50 / seconds).toFixed(1)} submissions/s`,
      `${seconds.toFixed(1)} s in all; 2 files each; SQLite, embedded pipeline`,
    ]);
    const approved = ids[1]!;
    await call(url, tokens.bob!, 'POST', `/api/versions/${approved}/review`, JSON.stringify({ decision: 'accept' }));
    await call(url, tokens.carol!, 'POST', `/api/versions/${approved}/approve`, '{}');
    for (const [label, path] of [
      ['GET /api/models (inventory, 50 models)', '/api/models'],
      ['GET /api/versions/{id}', `/api/versions/${approved}`],
      ['GET /hf/api/models/{repo} (HF endpoint)', '/hf/api/models/bench/m1'],
    ] as const) {
      const r = await load(url, tokens.erin!, path, 8);
      rows.push([
        `registry API under load: ${label}`,
        `p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`,
        `${r.rps.toFixed(0)} req/s, 16 connections from another process, ${r.errors} errors`,
      ]);
    }
    // A 2 GB checkpoint: streamed upload, then scan to verdict.
    const big = join(dataDir, 'big.pt');
    writeTorchZip(big, 16, 128 * MB);
    const size = statSync(big).size;
    const t0 = performance.now();
    const v = await call(url, tokens.alice!, 'POST', '/api/submissions', JSON.stringify({ model: 'bench/big', source: { kind: 'upload' } }));
    await call(url, tokens.alice!, 'PUT', `/api/versions/${v.id}/files/pytorch_model.bin`, createReadStream(big), size);
    const t1 = performance.now();
    await call(url, tokens.alice!, 'POST', `/api/versions/${v.id}/finish`);
    const state = await waitFor(url, tokens.alice!, v.id, ['review', 'rejected']);
    const t2 = performance.now();
    rows.push([
      `registry: ${(size / 1024 ** 3).toFixed(1)} GiB PyTorch checkpoint, submission to verdict`,
      `${((t2 - t0) / 1000).toFixed(1)} s`,
      `upload (streamed, hashed into the blob store) ${((t1 - t0) / 1000).toFixed(1)} s, finish, scan and verdict ${(t2 - t1).toFixed(0)} ms (the scan reads the pickle and the zip directory, not the 2 GB of tensor data); ${state}`,
    ]);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
