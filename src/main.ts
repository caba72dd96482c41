#!/usr/bin/env node
/**
 * The composition root: the one file that joins the faces into the `modelgate` command. Faces
 * never import each other (ARCHITECTURE.md), so the server's commands are handed to the CLI here.
 */
import { main } from './cli/main.js';
import { serverCommands } from './server/commands.js';

await main(process.argv, serverCommands());
