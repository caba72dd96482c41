import { Command } from 'commander';
import { ModelgateError } from '../core/errors.js';
import { statSync } from 'node:fs';
import { convertFile, type Converted, type ConvertOutcome } from '../app/convert/convert.js';
import { convertShards, type ConvertedShards } from '../app/convert/shards.js';
import { printable } from '../report/text.js';
import { EXIT } from './exit-codes.js';

const HELP_AFTER = `
Converts a PyTorch checkpoint (torch.save zip, the legacy format, the tar format) to safetensors from its
bytes alone: the pickle is never run. The file is scanned first; the conversion goes ahead only
when the scan's verdict is clean AND the pickle uses nothing but tensor rebuild functions,
storage classes, dtypes, OrderedDict and plain containers. Otherwise nothing is written.

A folder with pytorch_model.bin.index.json converts shard by shard to OUTPUT/model-….safetensors
plus model.safetensors.index.json, as safetensors' convert.py names them; one refused shard
refuses all.

The output is written to a temporary file beside OUTPUT and renamed into place only when it is
complete (with --verify: only after every tensor has been re-read and compared).

Exit codes:
  0  converted (and verified, with --verify)
  1  refused: the scan found something (verdict malicious or suspicious), or the pickle does
     something outside the conversion allow-list; the findings or the reason are printed
  2  usage error; unreadable, malformed or truncated input (verdict error); content safetensors
     cannot hold or modelgate does not convert (complex128, quantized, big-endian, non-tensor
     values...); --verify found a difference`;

/** `modelgate convert INPUT -o OUTPUT.safetensors` */
export function convertCommand(): Command {
  return new Command('convert')
    .description('convert a PyTorch checkpoint to safetensors without running it')
    .argument('<input>', 'a .bin/.pt/.pth/.ckpt checkpoint, or a folder of shards with pytorch_model.bin.index.json')
    .requiredOption('-o, --output <path>', 'the safetensors file to write (for a folder of shards: the folder to write into)')
    .option('--verify', 'after writing, re-read both files and compare every tensor (SHA-256 per tensor)')
    .option('--force', 'replace OUTPUT if it exists')
    .addHelpText('after', HELP_AFTER)
    .action(async (input: string, opts: { output: string; verify?: boolean; force?: boolean }) => {
      if (opts.output === '') throw new ModelgateError('USAGE', '--output is empty');
      const options = { verify: opts.verify === true, force: opts.force === true };
      const folder = isFolder(input);
      const outcome = folder ? await convertShards(input, opts.output, options) : await convertFile(input, opts.output, options);
      process.stdout.write(describe(outcome));
      process.exitCode = outcome.status === 'converted' ? EXIT.OK : outcome.verdict === 'error' ? EXIT.ERROR : EXIT.FINDINGS;
    });
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function describe(o: ConvertOutcome | ConvertedShards): string {
  const lines: string[] = [];
  if (o.status === 'refused') {
    lines.push(`REFUSED  ${printable(o.input)}: ${printable(o.reason)}; nothing was written`);
    for (const f of o.findings) {
      if (f.severity === 'info') continue;
      lines.push(`  ${f.severity} ${f.ruleId}  ${printable(f.message)}`, `      target: ${printable(f.target)}`);
    }
    return lines.join('\n') + '\n';
  }
  if ('shards' in o) {
    const text = o.shards.map(describeOne).join('');
    return `${text}wrote the index ${printable(o.index)} (${o.shards.length} shards)\n`;
  }
  return describeOne(o);
}

function describeOne(o: Converted): string {
  const lines: string[] = [];
  lines.push(`converted ${printable(o.input)} (${o.format}) -> ${printable(o.output)}: ${o.tensors} tensors, ${o.bytes} bytes of tensor data`);
  for (const [alias, kept] of o.aliases)
    lines.push(`  alias ${printable(alias)} is the same view as ${printable(kept)}: written once, recorded in __metadata__`);
  for (const group of o.copiedGroups)
    lines.push(`  overlapping views ${group.map(printable).join(', ')} differ in offset, shape or stride: each written as its own copy`);
  if (o.verified)
    lines.push(`verified: ${o.verified.tensors} tensors, ${o.verified.bytes} bytes, every tensor's SHA-256 equal in the checkpoint and the output`);
  return lines.join('\n') + '\n';
}
