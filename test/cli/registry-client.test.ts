import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { DATABASES, freshDatabase } from '../helpers/registry.js';
import { runCliAsync, type CliRun } from '../helpers/cli.js';
import { osSystemPickle } from '../helpers/pickles.js';

/*
 * The registry client end to end: a real server in this process (SQLite in a temporary folder, or PostgreSQL),
 * the built CLI spawned against it. runCliAsync, not runCli: a CLI that blocked this thread
 * would wait for a server that cannot answer. One server for the whole file, the steps in order.
 */

const ADMIN = 'mg_test-admin-token-registry-client';
const CONFIG = JSON.stringify({ architectures: ['BertModel'], model_type: 'bert' });

let server: RunningServer | undefined;
let work: string;
let dataDir: string;
const tokens: Record<string, string> = { admin: ADMIN };

/** The CLI as `who` (a token by name, or none), against the test server. */
function cli(who: string | undefined, ...args: string[]): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, MODELGATE_SERVER: server!.url };
  delete env.MODELGATE_TOKEN;
  delete env.DATABASE_URL;
  delete env.MODELGATE_DATABASE_URL;
  if (who !== undefined) env.MODELGATE_TOKEN = tokens[who];
  return runCliAsync(args, { env, cwd: work });
}

/** Its JSON output, after checking the exit code. */
function json<T>(run: CliRun, status = 0): T {
  expect(run.status, run.stderr).toBe(status);
  return JSON.parse(run.stdout) as T;
}

function folder(name: string, files: Record<string, string | Buffer>): string {
  const dir = join(work, name);
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  return dir;
}

interface View {
  id: string;
  state: string;
  verdict: string | null;
  risk: string | null;
  files: Array<{ path: string; sha256: string; size: number }>;
  incidents: Array<{ kind: string }>;
}

describe.each(DATABASES)('modelgate registry client on %s', (kind) => {
  let databaseUrl: string | undefined;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mg-client-'));
    dataDir = join(work, 'data');
    mkdirSync(join(work, 'served'));
    databaseUrl = kind === 'postgres' ? await freshDatabase() : undefined;
    server = await startServer({ port: 0, dataDir, databaseUrl, adminToken: ADMIN, allowedPaths: [join(work, 'served')] });
    const people: Array<[string, string]> = [
      ['alice', 'submitter'],
      ['bob', 'reviewer'],
      ['carol', 'approver'],
      ['dave', 'approver'],
      ['erin', 'auditor'],
    ];
    const made = await Promise.all(people.map(([name, roles]) => cli('admin', 'token', 'create', '--principal', name, '--roles', roles)));
    made.forEach((run, i) => {
      expect(run.status, run.stderr).toBe(0);
      tokens[people[i]![0]] = /^(mg_\S+)$/m.exec(run.stdout)![1]!;
    });
    // Alice again, as an approver too: four-eyes is about the person, whatever the token's roles.
    tokens.aliceApprover = json<{ token: string }>(await cli('admin', 'token', 'create', '--principal', 'alice', '--roles', 'approver', '-f', 'json')).token;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  let id: string;
  let child: string;
  let deployment: string;

  it('exits 2 with a typed code for usage, token and network errors, and never prints the token', async () => {
    const secret = 'mg_not-a-real-token-do-not-print';
    const [none, noToken, bad, down, both, help] = await Promise.all([
      runCliAsync(['inventory'], { env: { ...process.env, MODELGATE_SERVER: '', MODELGATE_TOKEN: '' } }),
      cli(undefined, 'inventory'),
      cli(undefined, 'inventory', '--token', secret),
      cli('alice', 'inventory', '--server', 'http://127.0.0.1:9'),
      cli('alice', 'submit', 'x', '--hub', 'a/b', '--model', 'acme/x'),
      cli(undefined, 'submit', '--help'),
    ]);
    expect([none.status, none.stderr]).toEqual([2, expect.stringMatching(/^modelgate: USAGE: no registry/)]);
    expect([noToken.status, noToken.stderr]).toEqual([2, expect.stringMatching(/^modelgate: UNAUTHENTICATED: /)]);
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringMatching(/^modelgate: UNAUTHENTICATED: unknown or revoked token/)]);
    expect(bad.stdout + bad.stderr).not.toContain(secret);
    expect([down.status, down.stderr]).toEqual([2, expect.stringMatching(/^modelgate: NETWORK: cannot reach http:\/\/127\.0\.0\.1:9/)]);
    expect([both.status, both.stderr]).toEqual([2, expect.stringMatching(/^modelgate: USAGE: submit: give exactly one of/)]);
    expect(help.stdout).toMatch(/Exit codes:\n {2}0 {2}done; with --wait: the version went on to review.*\n {2}1 {2}with --wait: the version was rejected/);
  });

  it('refuses a symbolic link before it submits anything', async () => {
    const dir = folder('linked', { 'config.json': CONFIG });
    symlinkSync('/etc/passwd', join(dir, 'passwd'));
    const run = await cli('alice', 'submit', dir, '--model', 'acme/linked');
    expect([run.status, run.stderr]).toEqual([2, expect.stringMatching(/^modelgate: USAGE: .*passwd is a symbolic link/)]);
    expect(json<unknown[]>(await cli('erin', 'inventory', '--search', 'linked', '-f', 'json'))).toEqual([]);
  });

  it('submits a folder, waits for the verdict and takes it through review, four-eyes approval and deployment', async () => {
    const dir = folder('bert', { 'config.json': CONFIG, 'README.md': '# bert\n', 'notes dir/50% ü.txt': 'plain text\n', '.git/HEAD': 'ref: x\n' });
    const view = json<View>(await cli('alice', 'submit', dir, '--model', 'acme/bert', '--wait', '-f', 'json'));
    id = view.id;
    expect([view.state, view.verdict, view.risk]).toEqual(['review', 'clean', 'low']);
    expect(view.files.map((f) => f.path)).toEqual(['README.md', 'config.json', 'notes dir/50% ü.txt']);
    expect(view.files.find((f) => f.path === 'config.json')!.sha256).toBe(createHash('sha256').update(CONFIG).digest('hex'));

    const own = await cli('alice', 'review', id, '--accept');
    expect([own.status, own.stderr]).toEqual([2, expect.stringMatching(/^modelgate: FORBIDDEN: /)]);
    const reviewed = await cli('bob', 'review', id, '--accept', '--reason', 'card and config read');
    expect(reviewed.status, reviewed.stderr).toBe(0);
    expect(reviewed.stdout).toBe(`acme/bert version ${id}: approval\n`);
    const selfApproval = await cli('aliceApprover', 'approve', id);
    expect([selfApproval.status, selfApproval.stderr]).toEqual([2, expect.stringMatching(/^modelgate: FORBIDDEN: four-eyes: alice submitted this version/)]);
    expect(json<{ state: string }>(await cli('carol', 'approve', id, '--reason', 'fine', '-f', 'json')).state).toBe('approved');

    const deployed = json<{ id: string; environment: string }>(
      await cli('alice', 'deploy', id, '--env', 'prod-eu', '--owner', 'ml-team', '--business-owner', 'search', '-f', 'json'),
    );
    deployment = deployed.id;
    const [inventory, details] = await Promise.all([cli('erin', 'inventory', '--search', 'acme/bert'), cli('erin', 'inventory', '--version', id)]);
    expect(inventory.status, inventory.stderr).toBe(0);
    expect(inventory.stdout).toMatch(new RegExp(`^acme/bert +${id} +approved +clean +low +\\S+ +prod-eu$`, 'm'));
    expect(details.stdout).toMatch(/^state +approved \(approved by carol\)$/m);
    expect(details.stdout).toMatch(/^ {2}notes dir\/50% ü\.txt +11 B +[0-9a-f]{64}$/m);
    expect(details.stdout).toMatch(new RegExp(`^ {2}${deployment} +${id} +prod-eu +ml-team +search +active`, 'm'));
  });

  it('shows the blast radius and revokes with the flagged descendants and deployments', async () => {
    const dir = folder('bert-ft', { 'README.md': '---\nbase_model: acme/bert\nbase_model_relation: finetune\n---\n# child\n' });
    const waited = await cli('alice', 'submit', join(dir, 'README.md'), '--model', 'acme/bert-ft', '--wait');
    expect(waited.status, waited.stderr).toBe(0);
    expect(waited.stdout).toMatch(/^state +review$/m);
    child = /^version +(\S+)$/m.exec(waited.stdout)![1]!;
    // The pipeline recorded the card's base model: declared (no bytes in common to verify it by).
    expect((await cli('bob', 'review', child, '--accept')).status).toBe(0);
    expect((await cli('dave', 'approve', child)).status).toBe(0);
    const staging = json<{ id: string }>(await cli('dave', 'deploy', child, '--env', 'staging', '--owner', 'research', '-f', 'json'));

    const impact = await cli('erin', 'impact', '--model', 'acme/bert');
    expect(impact.status, impact.stderr).toBe(0);
    expect(impact.stdout).toMatch(/^impact of model acme\/bert: 2 versions \(1 derived\), 2 live deployments$/m);
    expect(impact.stdout).toMatch(new RegExp(`^ {2}${child} +acme/bert-ft +approved +1 +finetune +declared +acme/bert$`, 'm'));
    expect(impact.stdout).toMatch(new RegExp(`^ {2}${staging.id} +acme/bert-ft +${child} +staging +research +- +active`, 'm'));

    const revoked = await cli('carol', 'revoke', id, '--reason', 'backdoor reported');
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(/^flagged +1 descendant version, 2 deployments$/m);
    expect(revoked.stdout).toMatch(new RegExp(`^flagged descendants\\n.*\\n {2}${child} `, 'm'));
    expect(revoked.stdout).toContain(deployment);
    const [childView, holding] = await Promise.all([
      cli('erin', 'inventory', '--version', child, '-f', 'json'),
      cli('erin', 'deployments', '--sha256', createHash('sha256').update(CONFIG).digest('hex'), '-f', 'json'),
    ]);
    expect(json<View>(childView).incidents.map((i) => i.kind)).toEqual(['ancestor-revoked', 'ancestor-revoked']);
    expect(json<Array<{ id: string; status: string }>>(holding).map((d) => [d.id, d.status])).toEqual([[deployment, 'flagged']]);
    const removed = await cli('alice', 'undeploy', deployment);
    expect(removed.stdout).toMatch(new RegExp(`^deployment ${deployment}: version ${id} removed from prod-eu`));
    const again = await cli('alice', 'undeploy', deployment);
    expect([again.status, again.stderr]).toEqual([2, expect.stringMatching(/^modelgate: CONFLICT: /)]);
  });

  it('exits 1 on a rejected version; a waiver sends it back to review and a reviewer rejects it', async () => {
    const dir = folder('evil', { 'pytorch_model.bin': osSystemPickle('id') });
    const run = await cli('alice', 'submit', dir, '--model', 'acme/evil', '--wait');
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^state +rejected$/m);
    expect(run.stdout).toMatch(/^verdict +malicious$/m);
    const evil = /^version +(\S+)$/m.exec(run.stdout)![1]!;
    const report = (await (await fetch(`${server!.url}/api/versions/${evil}/report`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as {
      files: Array<{ findings: Array<{ ruleId: string; severity: string }> }>;
    };
    const rules = [...new Set(report.files.flatMap((f) => f.findings.filter((x) => ['high', 'critical'].includes(x.severity)).map((x) => x.ruleId)))];
    const expires = new Date(Date.now() + 7 * 86400e3).toISOString().slice(0, 10);
    for (const rule of rules) {
      const waived = await cli('carol', 'waive', evil, '--rule', rule, '--reason', 'red-team sample', '--owner', 'security', '--expires', expires);
      expect(waived.status, waived.stderr).toBe(0);
      expect(waived.stdout).toMatch(new RegExp(`^waived ${rule} on version ${evil} until ${expires} 00:00:00Z \\(owner security\\)\n$`));
    }
    const rejected = await cli('bob', 'reject', evil, '--reason', 'not for production');
    expect([rejected.status, rejected.stdout]).toEqual([0, `acme/evil version ${evil}: rejected\n`]);
  });

  it('submits a folder on the server by path', async () => {
    folder('served/tiny', { 'config.json': CONFIG });
    const outside = await cli('alice', 'submit', '--path', work, '--model', 'acme/tiny');
    expect([outside.status, outside.stderr]).toEqual([2, expect.stringMatching(/^modelgate: FORBIDDEN: path submissions/)]);
    const view = json<View>(await cli('alice', 'submit', '--path', join(work, 'served/tiny'), '--model', 'acme/tiny', '--wait', '-f', 'json'));
    expect([view.state, view.files.map((f) => f.path)]).toEqual(['review', ['config.json']]);
  });

  it('verifies the audit chain through the server and in the data folder, and exits 1 when it is broken', async () => {
    // Beside the running server too: WAL lets a reader in.
    const [viaServer, forbidden, log, beside] = await Promise.all([
      cli('erin', 'audit', 'verify', '-f', 'json'),
      cli('alice', 'audit', 'verify'),
      cli('erin', 'audit', 'log', '--limit', '3'),
      runCliAsync(['audit', 'verify', '--data', dataDir], {
        env: { ...process.env, MODELGATE_SERVER: '', MODELGATE_TOKEN: '', DATABASE_URL: databaseUrl ?? '' },
      }),
    ]);
    const check = json<{ ok: boolean; records: number }>(viaServer);
    expect(check.ok).toBe(true);
    expect([forbidden.status, forbidden.stderr]).toEqual([2, expect.stringMatching(/^modelgate: FORBIDDEN: /)]);
    expect(log.stdout).toMatch(/^SEQ +AT +ACTOR +ACTION +SUBJECT +DETAILS\n1 .*\n2 .*\n3 .*\n\(3 records; next page: --after 3\)\n$/);
    expect(beside.status, beside.stderr).toBe(0);
    expect(beside.stdout).toMatch(new RegExp(`^audit chain verified: ${check.records} records, head [0-9a-f]{64}\n$`));
    // Then on its folder once it stopped, with one record changed.
    await server!.close();
    server = undefined;
    if (databaseUrl) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query("update audit set actor = 'mallory' where seq = 3");
      await client.end();
    } else {
      const db = new SQLite(join(dataDir, 'registry.sqlite'));
      db.prepare("update audit set actor = 'mallory' where seq = 3").run();
      db.close();
    }
    const broken = await runCliAsync(['audit', 'verify', '--data', dataDir, '-f', 'json'], {
      env: { ...process.env, MODELGATE_SERVER: '', DATABASE_URL: databaseUrl ?? '' },
    });
    expect(broken.status, broken.stderr).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, records: 2, problem: { seq: 3 } });
  });
});
