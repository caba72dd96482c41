import { Command } from 'commander';
import { ModelgateError } from '../core/errors.js';

/** `modelgate bom` (being built; until then it refuses to run rather than pretend). */
export function bomCommand(): Command {
  return new Command('bom')
    .description('write a CycloneDX ML-BOM (not available yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new ModelgateError('UNSUPPORTED', 'modelgate bom is not available in this version');
    });
}
