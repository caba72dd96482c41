import { Command, Option } from 'commander';
import pc from 'picocolors';
import { ModelgateError } from '../core/errors.js';
import { defaultSignaturePath } from '../app/signing/sign.js';
import { readTrustFile, verifyModelSignature, type TrustMethod, type VerifyResult } from '../app/signing/verify.js';
import { EXIT } from './exit-codes.js';
import { colorFor } from './output.js';

const HELP = `
Verifies a model against an OpenSSF model signature (Sigstore bundle), fully offline. Give
exactly one way to trust the signer:
  --public-key KEY.pem                 the bundle was signed with this key
  --certificate-chain CA.pem...        the bundle's certificate chain ends at one of these roots
  --identity ID --issuer URL           Sigstore keyless: the certificate names this identity and
                                       OIDC issuer (exactly), checked against the pinned
                                       public-good trusted root (or --trusted-root FILE)
Every file is hashed again with the signature's own serialization (files or shards); a file
that is missing, extra or changed fails and is named. The signature's own ignore paths, git's
files and the signature itself are left out; --ignore-paths adds more.

Exit codes: 0 verified; 1 it does not verify; 2 usage or I/O error.`;

interface VerifyOpts {
  signature?: string;
  publicKey?: string;
  certificateChain?: string[];
  identity?: string;
  issuer?: string;
  trustedRoot?: string;
  ignorePaths?: string[];
  format: string;
  color: boolean;
}

function trustFrom(opts: VerifyOpts): TrustMethod {
  const keyless = opts.identity !== undefined || opts.issuer !== undefined;
  const given = [opts.publicKey !== undefined, opts.certificateChain !== undefined, keyless].filter(Boolean).length;
  if (given !== 1) throw new ModelgateError('USAGE', 'give exactly one of --public-key, --certificate-chain, or --identity with --issuer');
  if (opts.trustedRoot !== undefined && !keyless) throw new ModelgateError('USAGE', '--trusted-root applies only to --identity/--issuer');
  if (opts.publicKey) return { kind: 'key', publicKey: readTrustFile(opts.publicKey) };
  if (opts.certificateChain) return { kind: 'certificate', chain: opts.certificateChain.map(readTrustFile) };
  if (!opts.identity || !opts.issuer) throw new ModelgateError('USAGE', '--identity and --issuer go together');
  return { kind: 'sigstore', identity: opts.identity, issuer: opts.issuer, trustedRoot: opts.trustedRoot };
}

function render(path: string, r: VerifyResult, color: boolean): string {
  const paint = color ? pc.createColors(true) : { red: String, green: String, bold: String, dim: String };
  const who = r.signer.identity
    ? `${r.signer.identity} (issuer ${r.signer.issuer})`
    : r.signer.keyFingerprint
      ? `key sha256:${r.signer.keyFingerprint}`
      : 'an unverified signer';
  const lines = r.verified
    ? [paint.green(`✓ ${path}: signature verified, ${r.checked} ${r.checked === 1 ? 'item' : 'items'} match, signed by ${who}`)]
    : [paint.red(paint.bold(`✗ ${path}: signature does not verify`)), ...r.problems.map((p) => `  ${p}`)];
  if (r.signer.certificateSubject) lines.push(paint.dim(`  certificate: ${r.signer.certificateSubject}`));
  if (r.legacyEncoding) lines.push(paint.dim('  note: signed over the reference v0.2 encoding (accepted, as the reference does)'));
  return `${lines.join('\n')}\n`;
}

/** `modelgate verify-signature PATH --signature FILE (--public-key | --certificate-chain | --identity --issuer)` */
export function verifySignatureCommand(): Command {
  return new Command('verify-signature')
    .description('verify a model against its signature (OpenSSF model signing), offline')
    .argument('<path>', 'the model folder or file')
    .option('--signature <file>', 'the signature (default: model.sig at the model root)')
    .option('--public-key <file>', 'PEM public key of the signer')
    .option('--certificate-chain <files...>', 'PEM root certificates the signing certificate must chain to')
    .option('--identity <id>', 'Sigstore: the signer identity (e-mail or URI), compared exactly')
    .option('--issuer <url>', 'Sigstore: the OIDC issuer of the identity, compared exactly')
    .option('--trusted-root <file>', 'Sigstore: trusted root JSON (default: the pinned public-good root)')
    .option('--ignore-paths <paths...>', 'more paths to leave out, relative to the model')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-color', 'no colours in text output')
    .addHelpText('after', HELP)
    .action(async (path: string, opts: VerifyOpts) => {
      const trust = trustFrom(opts);
      const result = await verifyModelSignature({
        modelPath: path,
        signaturePath: opts.signature ?? defaultSignaturePath(path),
        trust,
        ignorePaths: opts.ignorePaths,
      });
      const out =
        opts.format === 'json'
          ? `${JSON.stringify({ schema: 'modelgate/verify-signature@1', path, ...result }, null, 2)}\n`
          : render(path, result, colorFor(opts.color, process.stdout));
      process.stdout.write(out);
      process.exitCode = result.verified ? EXIT.OK : EXIT.FINDINGS;
    });
}
