#!/usr/bin/env node
/**
 * The composition root: the one file that joins the faces into the `modelgate` command. Faces
 * never import each other (ARCHITECTURE.md), so the server's commands are handed to the CLI here.
 */
import { EXIT, internalErrorText } from './cli/exit-codes.js';

// A crash exits INTERNAL, never Node's own 1, which is the exit code for findings: an error no
// command caught, or a module or permission refused by Node's permission model (the modules load
// below, inside the try, so that a module that cannot load is such a crash too).
let crashed = false;
function crash(e: unknown): void {
  // Once: a module that fails to load can be reported twice (its import, and the loader).
  if (!crashed) process.stderr.write(internalErrorText(e));
  crashed = true;
  process.exitCode = EXIT.INTERNAL;
}
// A reader that stops early (`modelgate --help | head`) is not a crash: stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.OK);
});
process.on('uncaughtException', (e) => {
  crash(e);
  process.exit(EXIT.INTERNAL);
});
/** Command names the server face adds: its modules (the HTTP stack, the database drivers) load only for them or for help. */
const SERVER_COMMANDS = ['serve'];

/** The first argument that is not an option: the command, if any. */
function commandOf(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

try {
  const { main } = await import('./cli/main.js');
  const command = commandOf(process.argv);
  // A scan need not pay for the server's modules (about 20 MB): they load when the command is
  // one of the server's, or when there is none (help lists every command) or it is `help`.
  const needsServer = command === undefined || command === 'help' || SERVER_COMMANDS.includes(command);
  const faces = needsServer ? (await import('./server/commands.js')).serverCommands() : [];
  await main(process.argv, faces);
} catch (e) {
  crash(e);
}
