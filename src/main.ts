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
try {
  const { main } = await import('./cli/main.js');
  // The server's commands load (its HTTP stack and database drivers, about 20 MB) only when a
  // run needs them, as the CLI's own do: for `serve`, or for help, which lists every command.
  const server = { names: ['serve'], load: async () => (await import('./server/commands.js')).serverCommands() };
  await main(process.argv, [server]);
} catch (e) {
  crash(e);
}
