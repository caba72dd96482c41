import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { cannotWrite } from '../core/errors.js';
import { bomForTarget } from '../app/bom/collect.js';
import { EXIT } from './exit-codes.js';

const HELP = `
Scans TARGET (a folder, a file, or hf:ORG/NAME[@REVISION]) and writes a CycloneDX 1.6 JSON
ML-BOM: the model as a machine-learning-model component (purl pkg:huggingface/ORG/NAME@COMMIT
for a Hub repo, a SHA-256 over its files, the licence, a modelCard from the card's YAML front
matter and config.json, base_model under pedigree.ancestors), every file as a component with
its SHA-256, datasets as data components, and the scan's findings as vulnerabilities with their
rule ids and references. A local target's model.sig is verified (Sigstore keyless against the
pinned root, or with --public-key / --certificate-chain) and recorded as properties.

Exit codes: 0 written (whatever the findings: the BOM records them); 2 usage or I/O error.`;

interface BomOpts {
  output: string;
  signature?: string;
  publicKey?: string[];
  certificateChain?: string[];
  trustedRoot?: string;
}

/** `modelgate bom TARGET --output FILE.cdx.json` */
export function bomCommand(): Command {
  return new Command('bom')
    .description('write a CycloneDX 1.6 ML-BOM of a model folder or hf: repo')
    .argument('<target>', 'a folder, a file, or hf:ORG/NAME[@REVISION]')
    .requiredOption('-o, --output <file>', 'where to write the BOM (FILE.cdx.json)')
    .option('--signature <file>', 'the signature to check (default: model.sig at the model root)')
    .option('--public-key <files...>', 'PEM public keys to check a key signature with')
    .option('--certificate-chain <files...>', 'PEM root certificates to check a certificate signature with')
    .option('--trusted-root <file>', 'Sigstore trusted root JSON (default: the pinned public-good root)')
    .addHelpText('after', HELP)
    .action(async (target: string, opts: BomOpts) => {
      const bom = await bomForTarget(target, {
        signature: { signaturePath: opts.signature, publicKeys: opts.publicKey, certificateChain: opts.certificateChain, trustedRoot: opts.trustedRoot },
      });
      try {
        writeFileSync(opts.output, `${JSON.stringify(bom, null, 2)}\n`);
      } catch (e) {
        throw cannotWrite(opts.output, e);
      }
      const vulns = Array.isArray(bom.vulnerabilities) ? bom.vulnerabilities.length : 0;
      const files = Array.isArray(bom.components) ? bom.components.filter((c) => (c as { type?: string }).type === 'file').length : 0;
      process.stderr.write(`modelgate: wrote ${opts.output} (CycloneDX 1.6: ${files} files, ${vulns} findings)\n`);
      process.exitCode = EXIT.OK;
    });
}
