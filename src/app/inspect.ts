import { ByteReader } from '../core/byte-reader.js';
import { disassemble } from '../formats/pickle/disasm.js';
import { pseudoPython } from '../formats/pickle/pseudo.js';
import { runScan } from './run-scan.js';

/**
 * What unpickling each pickle stream of a file would do, as lines of pseudo-Python (with a
 * disassembly of each stream when `opcodes`), ending with the file's verdict. The file is
 * scanned in this thread, so every stream the scan reads is seen.
 */
export async function inspectFile(file: string, options: { opcodes?: boolean } = {}): Promise<string[]> {
  const out: string[] = [];
  const result = await runScan({
    targets: [file],
    hash: false,
    observer: {
      pickleStreams(target, source, streams) {
        streams.forEach((stream, i) => {
          out.push(`# ${target} — pickle stream ${i + 1} of ${streams.length}, protocol ${stream.protocol}, bytes ${stream.start}..${stream.end}`);
          out.push(...pseudoPython(stream));
          if (options.opcodes) {
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
  return out;
}
