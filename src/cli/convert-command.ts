import { Command } from 'commander';
import { ModelgateError } from '../core/errors.js';

/** `modelgate convert` (being built; until then it refuses to run rather than pretend). */
export function convertCommand(): Command {
  return new Command('convert')
    .description('convert a pickle checkpoint to safetensors without running it (not available yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new ModelgateError('UNSUPPORTED', 'modelgate convert is not available in this version');
    });
}
