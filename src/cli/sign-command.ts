import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { cannotWrite, ModelgateError } from '../core/errors.js';
import { defaultSignaturePath, signModel } from '../app/signing/sign.js';
import { readTrustFile } from '../app/signing/verify.js';
import { EXIT } from './exit-codes.js';

const HELP = `
Signs a model folder (or one file) in the OpenSSF model signing format (v1.0 predicate, as the
sigstore/model-transparency reference): every file's SHA-256 (or each shard's, with --shard-size)
goes into an in-toto statement, signed in a DSSE envelope inside a Sigstore bundle (v0.3).

With --certificate (and --certificate-chain for the CA certificates above it), the bundle
carries the certificate chain; otherwise a hint of the public key. Git's files (.git,
.gitattributes, .github, .gitignore) and the signature itself are left out; --ignore-paths adds
more (relative to the model). Keyless (Sigstore) signing needs the network and is not offered.

Exit codes: 0 signed; 2 usage or I/O error.`;

interface SignOpts {
  signature?: string;
  privateKey: string;
  certificate?: string;
  certificateChain?: string[];
  ignorePaths?: string[];
  ignoreGitPaths: boolean;
  shardSize?: string;
}

/** `modelgate sign PATH --private-key KEY.pem [--certificate CERT.pem --certificate-chain CA.pem...]` */
export function signCommand(): Command {
  return new Command('sign')
    .description('sign a model folder or file (OpenSSF model signing, Sigstore bundle)')
    .argument('<path>', 'the model folder or file')
    .option('--signature <file>', 'where to write the signature (default: model.sig at the model root)')
    .requiredOption('--private-key <file>', 'PEM private key: ECDSA P-256/P-384 or Ed25519')
    .option('--certificate <file>', 'PEM signing certificate of the private key')
    .option('--certificate-chain <files...>', 'PEM certificates above the signing certificate')
    .option('--ignore-paths <paths...>', 'paths to leave out, relative to the model')
    .option('--no-ignore-git-paths', 'sign git files (.git, .gitattributes, .github, .gitignore) too')
    .addOption(new Option('--shard-size <bytes>', 'hash files in shards of this many bytes (the reference uses 1000000000)'))
    .addHelpText('after', HELP)
    .action(async (path: string, opts: SignOpts) => {
      if (opts.certificateChain && !opts.certificate) throw new ModelgateError('USAGE', '--certificate-chain needs --certificate');
      let shardSize: number | undefined;
      if (opts.shardSize !== undefined) {
        shardSize = Number(opts.shardSize);
        if (!/^\d+$/.test(opts.shardSize) || !Number.isSafeInteger(shardSize) || shardSize <= 0)
          throw new ModelgateError('USAGE', `--shard-size must be a positive number of bytes, not ${opts.shardSize}`);
      }
      const signaturePath = opts.signature ?? defaultSignaturePath(path);
      const { bundle, manifest } = await signModel({
        modelPath: path,
        signaturePath,
        privateKey: readTrustFile(opts.privateKey),
        certificate: opts.certificate ? readTrustFile(opts.certificate) : undefined,
        certificateChain: opts.certificateChain?.map(readTrustFile),
        ignorePaths: opts.ignorePaths,
        ignoreGitPaths: opts.ignoreGitPaths,
        method: shardSize ? 'shards' : 'files',
        shardSize,
      });
      try {
        writeFileSync(signaturePath, JSON.stringify(bundle));
      } catch (e) {
        throw cannotWrite(signaturePath, e);
      }
      const items = manifest.serialization.method === 'shards' ? 'shards' : 'files';
      process.stderr.write(`modelgate: signed ${manifest.resources.length} ${items} of ${path} in ${signaturePath}\n`);
      process.exitCode = EXIT.OK;
    });
}
