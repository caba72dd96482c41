import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What one run of the built CLI on one file cost, and what it said. */
export interface ChildScan {
  /** Wall time, process start-up included. */
  ms: number;
  /** Peak RSS (VmHWM) of the whole process, every thread; NaN when the CLI failed. */
  rssMb: number;
  verdict: string;
  /** Codes of the fatal findings. */
  codes: string[];
}

/**
 * Runs the built CLI (`modelgate scan PATH --format json --no-sandbox`: default workers, with
 * hashing) on `path`, with a preloaded hook that writes the process's peak RSS (VmHWM, every
 * thread) to stderr as it exits. The sandboxed child runs the same command in a process of its
 * own, so its peak is the same. `dir` holds the hook script.
 */
export function scanInChild(dir: string, path: string): ChildScan {
  const hook = join(dir, 'hwm-hook.mjs');
  writeFileSync(
    hook,
    `import { readFileSync, writeSync } from 'node:fs';
    process.on('exit', () => {
      const hwm = Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
      writeSync(2, '\\nHWM ' + hwm + '\\n');
    });`,
  );
  const t = performance.now();
  const out = spawnSync(process.execPath, ['--import', hook, resolve('dist/main.js'), 'scan', path, '--format', 'json', '--no-sandbox'], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - t;
  const hwm = /HWM (\d+)/.exec(out.stderr);
  if (hwm === null || out.stdout.trim() === '')
    return { ms, rssMb: NaN, verdict: `CLI failed: ${out.signal ?? out.status} ${out.stderr.slice(0, 200)}`, codes: [] };
  const f = (JSON.parse(out.stdout) as { files: Array<{ verdict: string; findings: Array<{ fatal?: boolean; code?: string }> }> }).files[0]!;
  return { ms, rssMb: Number(hwm[1]) / 1024, verdict: f.verdict, codes: f.findings.filter((x) => x.fatal).map((x) => x.code ?? '') };
}
