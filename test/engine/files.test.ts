import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isModelgateError } from '../../src/core/errors.js';
import { cliCommand } from '../helpers/cli.js';
import { osSystemPickle, plainPickle } from '../helpers/pickles.js';
import { scan } from '../helpers/scan-bytes.js';

/**
 * A command line that runs `command` without the power to read every file. An ordinary user lacks
 * it already. Root has it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so as root the command runs as
 * the checkout's owner, or, when that is root, as root without those two capabilities (setpriv,
 * from util-linux). Either way it still reaches the checkout (the CLI and node_modules) wherever
 * the clone sits, a private home included, and cannot read a mode-000 file owned by root.
 */
function withoutReadAll(command: string, args: string[]): { command: string; args: string[]; as: { uid?: number; gid?: number } } {
  if (process.getuid?.() !== 0) return { command, args, as: {} };
  const owner = statSync('.');
  if (owner.uid !== 0) return { command, args, as: { uid: owner.uid, gid: owner.gid } };
  const drop = '-dac_override,-dac_read_search';
  return { command: 'setpriv', args: [`--inh-caps=${drop}`, `--bounding-set=${drop}`, '--', command, ...args], as: {} };
}

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mg-files-'));
  chmodSync(dir, 0o755);
  return dir;
}

describe('repo layout', () => {
  it("gives a repo's custom_generate/generate.py the remote-code advice, and still analyses it", async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'custom_generate'));
    writeFileSync(join(dir, 'custom_generate', 'generate.py'), 'import torch\n\ndef generate(model, ids):\n    return model(ids)\n');
    writeFileSync(join(dir, 'generate.py'), 'import torch\n\ndef generate(model, ids):\n    return model(ids)\n');
    const result = await scan([dir], { hash: false });
    const custom = result.files.find((f) => f.path === 'custom_generate/generate.py');
    expect(custom).toMatchObject({ format: 'python', verdict: 'clean' });
    expect(custom?.findings.map((f) => [f.ruleId, f.severity])).toEqual([['hfconfig/remote-code', 'low']]);
    expect(result.files.find((f) => f.path === 'generate.py')?.findings).toEqual([]);
  });
});

describe('walking targets', () => {
  it('reports a symlink loop as links, without following them', async () => {
    const dir = freshDir();
    symlinkSync('b', join(dir, 'a'));
    symlinkSync('a', join(dir, 'b'));
    symlinkSync('.', join(dir, 'self'));
    const result = await scan([dir], { hash: false });
    expect(result.files.map((f) => [f.path, f.format])).toEqual([
      ['a', 'symlink'],
      ['b', 'symlink'],
      ['self', 'symlink'],
    ]);
    expect(result.files.every((f) => f.verdict === 'clean' && f.findings[0]?.ruleId === 'file/symlink')).toBe(true);
  });

  it('grades a link that leaves the target as medium', async () => {
    const dir = freshDir();
    symlinkSync('/etc/passwd', join(dir, 'model.bin'));
    const result = await scan([dir], { hash: false });
    expect(result.files[0]).toMatchObject({ format: 'symlink', verdict: 'suspicious' });
  });

  it('does not read a FIFO, and gives it verdict error', async () => {
    const dir = freshDir();
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    writeFileSync(join(dir, 'ok.pkl'), plainPickle());
    const result = await scan([dir], { hash: true });
    const fifo = result.files.find((f) => f.path === 'pipe');
    expect(fifo).toMatchObject({ format: 'fifo', verdict: 'error' });
    expect(fifo?.findings[0]?.code).toBe('SPECIAL_FILE');
    expect(result.files.find((f) => f.path === 'ok.pkl')?.verdict).toBe('clean');
  });

  it('throws UNREADABLE for a target that does not exist', async () => {
    await expect(scan(['/nonexistent/model.bin'])).rejects.toSatisfy((e: unknown) => isModelgateError(e, 'UNREADABLE'));
  });

  it('reports an unreadable file in a directory with verdict error and goes on', () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'sub'));
    chmodSync(join(dir, 'sub'), 0o755);
    writeFileSync(join(dir, 'sub', 'secret.pt'), osSystemPickle());
    chmodSync(join(dir, 'sub', 'secret.pt'), 0o000);
    writeFileSync(join(dir, 'sub', 'open.pkl'), plainPickle());
    chmodSync(join(dir, 'sub', 'open.pkl'), 0o644);
    // Root reads everything, so as root the scan runs without that power (withoutReadAll).
    const cli = cliCommand('scan', '-f', 'json', '--no-hash', dir);
    const { command, args, as } = withoutReadAll(cli.command, cli.args);
    // No user policy from a home the scan may not reach.
    const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), MODELGATE_POLICY: '' };
    const run = spawnSync(command, args, { encoding: 'utf8', env, ...as });
    expect(run.error, `${command} could not run (as root this test needs setpriv, from util-linux)`).toBeUndefined();
    expect(run.status, run.stderr).toBe(2);
    const report = JSON.parse(run.stdout) as { files: Array<{ path: string; verdict: string; findings: Array<{ code?: string }> }> };
    const secret = report.files.find((f) => f.path === 'sub/secret.pt');
    expect(secret?.verdict).toBe('error');
    expect(secret?.findings[0]?.code).toBe('UNREADABLE');
    expect(report.files.find((f) => f.path === 'sub/open.pkl')?.verdict).toBe('clean');
  });
});
