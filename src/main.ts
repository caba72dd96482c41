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
process.on('uncaughtException', (e) => {
  crash(e);
  process.exit(EXIT.INTERNAL);
});
try {
  const { main } = await import('./cli/main.js');
  const { serverCommands } = await import('./server/commands.js');
  await main(process.argv, serverCommands());
} catch (e) {
  crash(e);
}
