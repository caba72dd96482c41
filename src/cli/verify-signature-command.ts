import { Command } from 'commander';
import { ModelgateError } from '../core/errors.js';

/** `modelgate verify-signature` (being built; until then it refuses to run rather than pretend). */
export function verifySignatureCommand(): Command {
  return new Command('verify-signature')
    .description('verify a model signature (OpenSSF model signing) (not available yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new ModelgateError('UNSUPPORTED', 'modelgate verify-signature is not available in this version');
    });
}
