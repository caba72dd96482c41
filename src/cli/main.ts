import { Command, CommanderError } from 'commander';
import { isModelgateError } from '../core/errors.js';
import { TOOL_VERSION } from '../app/index.js';
import { bomCommand } from './bom-command.js';
import { checkNameCommand } from './check-name-command.js';
import { convertCommand } from './convert-command.js';
import { EXIT, internalErrorText } from './exit-codes.js';
import { inspectCommand } from './inspect-command.js';
import { lockCommand, verifyCommand } from './lock-command.js';
import { registryCommands } from './registry/index.js';
import { signCommand } from './sign-command.js';
import { verifyAttestationCommand } from './verify-attestation-command.js';
import { verifySignatureCommand } from './verify-signature-command.js';
import { scanCommand } from './scan-command.js';
import { screenCommand } from './screen-command.js';
import { stripCommand } from './strip-command.js';

/**
 * The CLI: the only place that prints or sets the exit code. `faces` are commands other faces
 * contribute (the server's `serve`), added by the composition root (src/main.ts), since faces
 * never import each other.
 */
export async function main(argv: string[], faces: readonly Command[] = []): Promise<void> {
  const program = new Command('modelgate')
    .description('the airlock between public model hubs and production: static model scanning')
    .version(TOOL_VERSION)
    // Its options before a command only: `inventory --version ID` is the command's own option.
    .enablePositionalOptions()
    .addCommand(scanCommand())
    .addCommand(inspectCommand())
    .addCommand(checkNameCommand())
    .addCommand(lockCommand())
    .addCommand(verifyCommand())
    .addCommand(signCommand())
    .addCommand(verifySignatureCommand())
    .addCommand(verifyAttestationCommand())
    .addCommand(bomCommand())
    .addCommand(convertCommand())
    .addCommand(screenCommand())
    .addCommand(stripCommand());
  for (const command of registryCommands()) program.addCommand(command);
  for (const face of faces) program.addCommand(face);
  // Usage errors exit 2 in every command (commander's default is 1).
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? EXIT.OK : EXIT.ERROR;
      return;
    }
    if (isModelgateError(e)) {
      process.stderr.write(`modelgate: ${e.message}\n`);
      process.exitCode = EXIT.ERROR;
      return;
    }
    // Anything else is ours (or a refused permission), never a finding: not Node's exit code 1.
    process.stderr.write(internalErrorText(e));
    process.exitCode = EXIT.INTERNAL;
  }
}
