/**
 * The registry's client: commands that talk to a running registry (`modelgate serve`) over its
 * REST API with Node's fetch. Faces never import each other, so nothing here loads the server.
 */
import type { Command } from 'commander';
import { auditCommand } from './audit.js';
import { approveCommand, rejectCommand, reviewCommand, revokeCommand, waiveCommand } from './decisions.js';
import { deployCommand, deploymentsCommand, undeployCommand } from './deployments.js';
import { impactCommand, inventoryCommand } from './inventory.js';
import { submitCommand } from './submit.js';
import { tokenCommand } from './token.js';

/** Every registry client command, in the order of a version's life. */
export function registryCommands(): Command[] {
  return [
    submitCommand(),
    reviewCommand(),
    approveCommand(),
    rejectCommand(),
    waiveCommand(),
    deployCommand(),
    undeployCommand(),
    deploymentsCommand(),
    inventoryCommand(),
    impactCommand(),
    revokeCommand(),
    tokenCommand(),
    auditCommand(),
  ];
}
