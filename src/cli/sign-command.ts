import { Command } from 'commander';
import { ModelgateError } from '../core/errors.js';

/** `modelgate sign` (being built; until then it refuses to run rather than pretend). */
export function signCommand(): Command {
  return new Command('sign')
    .description('sign a model folder or file (OpenSSF model signing) (not available yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new ModelgateError('UNSUPPORTED', 'modelgate sign is not available in this version');
    });
}
