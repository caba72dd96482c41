import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The "startup" section (issue 16, point 3): what a pre-commit hook or a CI step pays per call.
 * Each command runs RUNS times, the commands taking turns so that the load of a shared machine
 * falls on all of them alike; each row gives the wall time (process start to exit, as a hook
 * sees it) as min / median / max, and the peak RSS of its largest process. The target is a bare
 * `node -e 0` plus 100 ms, or picklescan's one-file scan when a `picklescan` is on PATH; minima
 * are compared, as the least disturbed runs.
 */

/** Runs per command. */
const RUNS = 10;
/** What a command may cost over a bare Node start-up when there is no picklescan to compare with. */
const NODE_BUDGET_MS = 100;

/** A benign protocol-2 pickle of 20 bytes: `pickle.dumps({'abcd': 1}, protocol=2)`. */
const TINY_PICKLE = Buffer.from([0x80, 2, 0x7d, 0x71, 0, 0x58, 4, 0, 0, 0, 0x61, 0x62, 0x63, 0x64, 0x71, 1, 0x4b, 1, 0x73, 0x2e]);

/**
 * A hook every Node process of a run preloads (NODE_OPTIONS reaches the sandboxed child too):
 * it writes the process's peak RSS to stderr as it exits: VmHWM of /proc/self/status, which is
 * the process's own; where the permission model refuses that read (the sandboxed child),
 * ru_maxrss, which a child inherits from its parent at fork, so a child smaller than its parent
 * shows the parent's peak, an upper bound (the bench's own process, grown by other sections,
 * showed 300 MB for `node -e 0` that way).
 */
const RSS_HOOK = `process.on('exit', () => {
  let kb = process.resourceUsage().maxRSS;
  try { kb = Number(/VmHWM:\\s+(\\d+)/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))[1]); } catch {}
  process.stderr.write('\\nMAXRSS ' + kb + '\\n');
});\n`;

interface Timed {
  label: string;
  command: string;
  args: string[];
  /** Preloads the RSS hook (Node processes only). */
  node: boolean;
  ms: number[];
  rssKb: number;
  failed?: string;
}

/** `picklescan` on PATH, if any. */
function picklescanPath(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v picklescan'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() !== '' ? found.stdout.trim() : undefined;
}

function runOnce(t: Timed, env: NodeJS.ProcessEnv): void {
  const started = performance.now();
  const out = spawnSync(t.command, t.args, { encoding: 'utf8', env: t.node ? env : process.env, timeout: 60_000 });
  t.ms.push(performance.now() - started);
  // A clean scan exits 0; anything else means the row does not measure what it says.
  if (out.status !== 0) t.failed ??= `exit ${out.status ?? out.signal}: ${out.stderr.slice(0, 200)}`;
  for (const m of out.stderr.matchAll(/MAXRSS (\d+)/g)) t.rssKb = Math.max(t.rssKb, Number(m[1]));
}

const stats = (ms: number[]): { min: number; median: number; max: number } => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { min: sorted[0] ?? NaN, median: sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
};

export function benchStartup(dir: string, rows: Array<[string, string, string]>): void {
  // The pickle and the hook in a folder of their own: the sandboxed child may read a file
  // target's folder, so it can preload the hook from there.
  const here = join(dir, 'startup');
  mkdirSync(here, { recursive: true });
  const tiny = join(here, 'tiny.pkl');
  writeFileSync(tiny, TINY_PICKLE);
  const hook = join(here, 'rss-hook.cjs');
  writeFileSync(hook, RSS_HOOK);
  const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${hook}`.trim() };
  const cli = resolve('dist/main.js');
  const node = process.execPath;
  const timed: Timed[] = [
    { label: '`node -e 0`', command: node, args: ['-e', '0'], node: true, ms: [], rssKb: 0 },
    { label: '`modelgate --version`', command: node, args: [cli, '--version'], node: true, ms: [], rssKb: 0 },
    { label: '`modelgate scan tiny.pkl` (20 bytes; sandboxed, the default)', command: node, args: [cli, 'scan', tiny], node: true, ms: [], rssKb: 0 },
    { label: '`modelgate scan tiny.pkl --no-sandbox` (20 bytes)', command: node, args: [cli, 'scan', tiny, '--no-sandbox'], node: true, ms: [], rssKb: 0 },
  ];
  const picklescan = picklescanPath();
  if (picklescan) timed.push({ label: '`picklescan -p tiny.pkl`', command: picklescan, args: ['-p', tiny], node: false, ms: [], rssKb: 0 });
  for (let run = 0; run < RUNS; run++) for (const t of timed) runOnce(t, env);

  const bare = stats(timed[0]!.ms).min;
  const scanner = picklescan ? stats(timed[timed.length - 1]!.ms).min : undefined;
  const target = scanner ?? bare + NODE_BUDGET_MS;
  const against = scanner === undefined ? `\`node -e 0\` + ${NODE_BUDGET_MS} ms` : 'picklescan';
  for (const t of timed) {
    const s = stats(t.ms);
    const rss = t.node ? `peak RSS ${(t.rssKb / 1024).toFixed(0)} MB` : 'peak RSS not measured';
    const verdict = t === timed[0] || t.command !== node ? '' : `; target ≤ ${target.toFixed(0)} ms (${against}): ${s.min <= target ? 'met' : 'NOT met'}`;
    rows.push([
      `startup: ${t.label}`,
      `${s.min.toFixed(0)} / ${s.median.toFixed(0)} / ${s.max.toFixed(0)} ms`,
      `min / median / max of ${RUNS}; ${rss}${verdict}${t.failed ? `; FAILED ${t.failed}` : ''}`,
    ]);
  }
  if (!picklescan) rows.push(['startup: `picklescan -p tiny.pkl`', '', 'no picklescan on PATH']);
}
