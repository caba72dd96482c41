import { Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import { connect, emit, registryCommand, run, type ConnectionOpts } from './command.js';
import type { TokenAnswer } from './types.js';

/** `modelgate token create --principal P --roles a,b` */
function tokenCreateCommand(): Command {
  return registryCommand('create', 'make a token for a principal with roles (admin); it is shown once')
    .requiredOption('--principal <name>', 'who the token speaks for (letters, digits, . @ + - _)')
    .requiredOption('--roles <roles>', 'comma-separated: submitter, reviewer, approver, admin, auditor')
    .addHelpText('after', '\nThe new token is printed once, on standard output; the registry keeps only its SHA-256.')
    .action(
      run(async (opts: ConnectionOpts & { principal: string; roles: string }) => {
        const roles = opts.roles
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean);
        const answer = await connect(opts).request<TokenAnswer>('POST', '/api/tokens', { json: { principal: opts.principal, roles } });
        emit(opts.format, answer, () => `token for ${answer.principal} (${answer.roles.join(', ')}), shown once:\n${answer.token}\n`);
        return EXIT.OK;
      }),
    );
}

/** `modelgate token revoke --principal P` */
function tokenRevokeCommand(): Command {
  return registryCommand('revoke', 'revoke every token of a principal (admin)')
    .requiredOption('--principal <name>', 'whose tokens to revoke')
    .action(
      run(async (opts: ConnectionOpts & { principal: string }) => {
        const answer = await connect(opts).request<{ principal: string; revoked: number }>('DELETE', `/api/tokens/${encodeURIComponent(opts.principal)}`);
        emit(opts.format, answer, () => `revoked ${answer.revoked} token(s) of ${answer.principal}\n`);
        return EXIT.OK;
      }),
    );
}

/** `modelgate token …`: access to the registry. */
export function tokenCommand(): Command {
  return new Command('token').description("manage the registry's API tokens").addCommand(tokenCreateCommand()).addCommand(tokenRevokeCommand());
}
