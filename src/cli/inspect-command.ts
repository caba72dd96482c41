import { Command } from 'commander';
import { inspectFile } from '../app/index.js';

/** `modelgate inspect FILE`: what unpickling each stream of the file would do. */
export function inspectCommand(): Command {
  return new Command('inspect')
    .description('print, as pseudo-Python, what unpickling each pickle stream in a file would do')
    .argument('<file>', 'a model file (raw pickle, PyTorch, joblib, numpy, archive...)')
    .option('--opcodes', 'print a disassembly of each stream as well')
    .action(async (file: string, opts: { opcodes?: boolean }) => {
      process.stdout.write((await inspectFile(file, opts)).join('\n') + '\n');
    });
}
