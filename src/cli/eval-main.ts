import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Argument, Command } from 'commander';
import { scan } from '../app/index.js';
import { judge, parseLabels, renderJudgement } from '../app/eval/judge.js';

/** The labelled corpus in the repository (eval/corpus/PROVENANCE.md), from src/cli or dist/cli. */
const DEFAULT_CORPUS = fileURLToPath(new URL('../../eval/corpus', import.meta.url));

/** `npm run eval -- [DIR] [--json] [--formats a,b]`: score a scan of DIR (default eval/corpus) against DIR/labels.jsonl. */
const program = new Command('modelgate-eval')
  .addArgument(new Argument('[dir]', 'corpus directory with labels.jsonl').default(DEFAULT_CORPUS, 'eval/corpus'))
  .option('--json', 'print the judgement as JSON')
  .option('--formats <list>', 'score only labels whose format starts with one of these (comma-separated)')
  .exitOverride()
  .action(async (dir: string, opts: { json?: boolean; formats?: string }) => {
    const labels = parseLabels(
      readFileSync(join(dir, 'labels.jsonl'), 'utf8'),
      opts.formats
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    const result = await scan([dir], { hash: false });
    const judgement = judge(result, labels);
    process.stdout.write(opts.json ? JSON.stringify(judgement, null, 2) + '\n' : renderJudgement(judgement));
    process.exitCode = judgement.allRight ? 0 : 1;
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
}
