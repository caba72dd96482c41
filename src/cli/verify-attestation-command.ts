import { Command, Option } from 'commander';
import pc from 'picocolors';
import { ModelgateError } from '../core/errors.js';
import { digestFolder, readEnvelopeFile, verifyVsa, type FileDigest, type VsaVerifyResult } from '../app/signing/index.js';
import { readTrustFile } from '../app/signing/verify.js';
import { EXIT } from './exit-codes.js';
import { colorFor } from './output.js';

const HELP = `
Verifies a SLSA Verification Summary Attestation (VSA v1) of a model, fully offline: a DSSE
envelope (payload type application/vnd.in-toto+json) holding an in-toto statement whose
subjects are the model's files and whose predicate is https://slsa.dev/verification_summary/v1.
It holds when the envelope's signature verifies with --key (ECDSA P-256/P-384 or Ed25519), the
statement is a well-formed VSA, its verificationResult is PASSED, and each expectation given
holds:
  --files DIR               every file of DIR (hashed here) is a subject with that SHA-256;
                            git's files, model.sig, the envelope itself and --ignore-paths
                            are left out
  --resource URI            the resourceUri is URI
  --policy-digest SHA256    the policy's sha256 digest is SHA256
  --verifier ID             the verifier.id is ID

Exit codes: 0 it holds; 1 it does not (a bad signature, a FAILED result, a file that is not a
subject); 2 usage or I/O error.`;

interface AttestationOpts {
  key: string;
  files?: string;
  resource?: string;
  policyDigest?: string;
  verifier?: string;
  ignorePaths?: string[];
  format: string;
  color: boolean;
}

function render(path: string, r: VsaVerifyResult, files: FileDigest[] | undefined, color: boolean): string {
  const paint = color ? pc.createColors(true) : { red: String, green: String, bold: String, dim: String };
  const p = r.statement?.predicate;
  const lines: string[] = [];
  if (r.ok && p) {
    const matched = files ? `, ${files.length} ${files.length === 1 ? 'file matches' : 'files match'}` : '';
    lines.push(paint.green(`✓ ${path}: attestation verified, ${p.verificationResult} by ${p.verifier.id}${matched}`));
  } else {
    lines.push(paint.red(paint.bold(`✗ ${path}: attestation does not verify`)), ...r.problems.map((line) => `  ${line}`));
  }
  if (p) {
    lines.push(
      paint.dim(`  resource: ${p.resourceUri}`),
      paint.dim(`  policy: ${p.policy.uri}${p.policy.digest?.sha256 ? ` (sha256:${p.policy.digest.sha256})` : ''}`),
    );
    lines.push(
      paint.dim(
        `  verified: ${p.timeVerified}, ${r.statement!.subject.length} ${r.statement!.subject.length === 1 ? 'subject' : 'subjects'}, key sha256:${r.keyFingerprint}`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `modelgate verify-attestation ENVELOPE --key KEY.pem [--files DIR] [--resource URI]` */
export function verifyAttestationCommand(): Command {
  return new Command('verify-attestation')
    .description('verify a signed SLSA verification summary (VSA) of a model, offline')
    .argument('<envelope>', 'the DSSE envelope (JSON) holding the VSA statement')
    .requiredOption('--key <file>', 'PEM public key of the verifier that signed it')
    .option('--files <dir>', 'require every file of this model folder to be a subject with its SHA-256')
    .option('--resource <uri>', 'require this resourceUri')
    .option('--policy-digest <sha256>', "require this SHA-256 as the policy's digest")
    .option('--verifier <id>', 'require this verifier.id')
    .option('--ignore-paths <paths...>', 'with --files: more paths to leave out, relative to the folder')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-color', 'no colours in text output')
    .addHelpText('after', HELP)
    .action(async (path: string, opts: AttestationOpts) => {
      if (opts.ignorePaths && opts.files === undefined) throw new ModelgateError('USAGE', '--ignore-paths applies only with --files');
      if (opts.policyDigest !== undefined && !/^[0-9a-fA-F]{64}$/.test(opts.policyDigest))
        throw new ModelgateError('USAGE', `--policy-digest must be a SHA-256 (64 hex digits), not ${opts.policyDigest}`);
      const publicKey = readTrustFile(opts.key);
      const text = readEnvelopeFile(path);
      const files = opts.files === undefined ? undefined : await digestFolder(opts.files, { ignorePaths: opts.ignorePaths, evidence: [path] });
      const result = verifyVsa(text, publicKey, { files, resourceUri: opts.resource, policyDigest: opts.policyDigest, verifierId: opts.verifier });
      const out =
        opts.format === 'json'
          ? `${JSON.stringify({ schema: 'modelgate/verify-attestation@1', path, ...result, ...(files ? { files: files.length } : {}) }, null, 2)}\n`
          : render(path, result, files, colorFor(opts.color, process.stdout));
      process.stdout.write(out);
      process.exitCode = result.ok ? EXIT.OK : EXIT.FINDINGS;
    });
}
