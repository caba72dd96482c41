import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isModelgateError } from '../../core/errors.js';
import { type EvalRow, evaluateBackdoorSet, formatEvalTable } from './eval.js';
import { DEFAULT_SCREEN_OPTIONS } from './screen.js';

/** The labelled backdoor set in the repository (eval/backdoor/PROVENANCE.md), from src/screen or dist/screen. */
const DEFAULT_SET = fileURLToPath(new URL('../../../eval/backdoor', import.meta.url));

/**
 * `npm run eval:backdoor -- [DIR] [--steps N] [--max-samples N] [--seed N] [--json]`: screens
 * every model of a labelled backdoor set (default eval/backdoor) and prints the table; exits 1
 * unless every model is right.
 */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { steps: { type: 'string' }, workers: { type: 'string' }, 'max-samples': { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } },
  });
  const [dir = DEFAULT_SET] = positionals;
  if (positionals.length > 1) {
    process.stderr.write('usage: npm run eval:backdoor -- [DIR] [--steps N] [--max-samples N] [--seed N] [--json]\n');
    process.exitCode = 2;
    return;
  }
  const options = {
    ...DEFAULT_SCREEN_OPTIONS,
    ...(values.steps ? { steps: Number(values.steps) } : {}),
    ...(values['max-samples'] ? { maxSamples: Number(values['max-samples']) } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    ...(values.workers ? { workers: Number(values.workers) } : {}),
  };
  try {
    const progress = (r: EvalRow): void => {
      if (!values.json)
        process.stderr.write(
          `${r.model}: ${r.verdict}${r.suspectedTarget === undefined ? '' : ` (target ${r.suspectedTarget})`} in ${r.seconds.toFixed(1)} s\n`,
        );
    };
    const rows = await evaluateBackdoorSet(dir, options, progress);
    process.stdout.write(values.json ? `${JSON.stringify({ rows, options }, null, 2)}\n` : `${formatEvalTable(rows)}\n`);
    process.exitCode = rows.every((r) => r.right) ? 0 : 1;
  } catch (e) {
    if (!isModelgateError(e)) throw e;
    process.stderr.write(`eval:backdoor: ${e.message}\n`);
    process.exitCode = 2;
  }
}

await main();
