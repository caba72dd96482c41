import { Command, CommanderError } from 'commander';
import { isModelgateError } from '../core/errors.js';
import { TOOL_VERSION } from '../app/version.js';
import { EXIT, internalErrorText } from './exit-codes.js';

/**
 * Commands whose module loads only when they run (or when help lists them): the names each
 * module adds, and how to load it. A start-up that imported every command would import every
 * format, detector and dependency behind them (about 1 s of CPU before `--version` answers,
 * issue 16); test/cli/startup.test.ts checks that the names here are the names each module adds.
 */
export interface LazyCommands {
  names: readonly string[];
  load: () => Promise<Command[]>;
}

/** Every command of the CLI, in the order help lists them. */
export const COMMANDS: readonly LazyCommands[] = [
  { names: ['scan'], load: async () => [(await import('./scan-command.js')).scanCommand()] },
  { names: ['inspect'], load: async () => [(await import('./inspect-command.js')).inspectCommand()] },
  { names: ['check-name'], load: async () => [(await import('./check-name-command.js')).checkNameCommand()] },
  {
    names: ['lock', 'verify'],
    load: async () => {
      const { lockCommand, verifyCommand } = await import('./lock-command.js');
      return [lockCommand(), verifyCommand()];
    },
  },
  { names: ['sign'], load: async () => [(await import('./sign-command.js')).signCommand()] },
  { names: ['verify-signature'], load: async () => [(await import('./verify-signature-command.js')).verifySignatureCommand()] },
  { names: ['verify-attestation'], load: async () => [(await import('./verify-attestation-command.js')).verifyAttestationCommand()] },
  { names: ['bom'], load: async () => [(await import('./bom-command.js')).bomCommand()] },
  { names: ['convert'], load: async () => [(await import('./convert-command.js')).convertCommand()] },
  { names: ['screen'], load: async () => [(await import('./screen-command.js')).screenCommand()] },
  { names: ['strip'], load: async () => [(await import('./strip-command.js')).stripCommand()] },
  {
    names: ['submit', 'review', 'approve', 'reject', 'waive', 'deploy', 'undeploy', 'deployments', 'inventory', 'impact', 'revoke', 'token', 'audit'],
    load: async () => (await import('./registry/index.js')).registryCommands(),
  },
];

/** The first argument that is not an option: the command, if any (the program's own options take no value). */
export function commandOf(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

/**
 * The command groups a run needs: the named command's alone; none for `--version` without a
 * command; every one for help, no command, or a name no group has (commander then lists them,
 * or suggests the nearest).
 */
export function groupsFor(argv: readonly string[], groups: readonly LazyCommands[]): LazyCommands[] {
  const command = commandOf(argv);
  if (command === undefined) {
    const options = argv.slice(2);
    const versionOnly = options.some((a) => a === '-V' || a === '--version') && !options.some((a) => a === '-h' || a === '--help');
    return versionOnly ? [] : [...groups];
  }
  const group = groups.find((g) => g.names.includes(command));
  return group ? [group] : [...groups];
}

/**
 * The CLI: the only place that prints or sets the exit code. `faces` are commands other faces
 * contribute (the server's `serve`), added by the composition root (src/main.ts), since faces
 * never import each other; like the CLI's own, they load only when a run needs them.
 */
export async function main(argv: string[], faces: readonly LazyCommands[] = []): Promise<void> {
  const program = new Command('modelgate')
    .description('the airlock between public model hubs and production: static model scanning')
    .version(TOOL_VERSION)
    // Its options before a command only: `inventory --version ID` is the command's own option.
    .enablePositionalOptions();
  // Usage errors exit 2 in every command (commander's default is 1).
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  try {
    for (const group of groupsFor(argv, [...COMMANDS, ...faces])) {
      for (const command of await group.load()) program.addCommand(command);
    }
    override(program);
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
