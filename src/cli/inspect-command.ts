import { Command } from 'commander';
import { ByteReader } from '../core/byte-reader.js';
import { scan } from '../app/index.js';
import { disassemble } from '../formats/pickle/disasm.js';
import { pseudoPython } from '../formats/pickle/pseudo.js';

/** `modelgate inspect FILE`: what unpickling each stream of the file would do. */
export function inspectCommand(): Command {
  return new Command('inspect')
    .description('print, as pseudo-Python, what unpickling each pickle stream in a file would do')
    .argument('<file>', 'a model file (raw pickle, PyTorch, joblib, numpy, archive...)')
    .option('--opcodes', 'print a disassembly of each stream as well')
    .action(async (file: string, opts: { opcodes?: boolean }) => {
      const out: string[] = [];
      const result = await scan([file], {
        hash: false,
        observer: {
          pickleStreams(target, source, streams) {
            streams.forEach((stream, i) => {
              out.push(`# ${target} — pickle stream ${i + 1} of ${streams.length}, protocol ${stream.protocol}, bytes ${stream.start}..${stream.end}`);
              out.push(...pseudoPython(stream));
              if (opts.opcodes) {
                const { lines, error } = disassemble(new ByteReader(source, stream.start, stream.end));
                for (const l of lines) out.push(`    ${String(l.offset).padStart(8)}: ${l.name}${l.arg === undefined ? '' : ' ' + l.arg}`);
                if (error) out.push(`    # ${error}`);
              }
              out.push('');
            });
          },
        },
      });
      const file0 = result.files[0];
      if (out.length === 0) out.push(`# ${file}: no pickle streams (format ${file0?.format ?? 'unknown'})`);
      out.push(`# verdict: ${file0?.verdict ?? 'none'} (${file0?.findings.length ?? 0} findings; run \`modelgate scan\` for details)`);
      process.stdout.write(out.join('\n') + '\n');
    });
}
