import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import { RegistryError } from './client.js';
import { connect, emit, registryCommand, run, type ConnectionOpts } from './command.js';
import { count, table, when } from './table.js';
import type { AuditCheck, AuditRecord } from './types.js';

interface VerifyOpts extends ConnectionOpts {
  data?: string;
}

const databaseUrlOf = (env: NodeJS.ProcessEnv): string | undefined => env.DATABASE_URL || env.MODELGATE_DATABASE_URL || undefined;

/**
 * Checks the chain in the registry's database itself, with no server: the SQLite file of a data
 * folder (a running server's too: WAL lets a reader in beside it), or PostgreSQL at DATABASE_URL.
 * The registry's code is loaded only here, so the other client commands start light.
 */
async function verifyDirect(dataDir: string | undefined, env: NodeJS.ProcessEnv): Promise<AuditCheck> {
  const databaseUrl = databaseUrlOf(env);
  let scratch: string | undefined;
  if (databaseUrl === undefined) {
    if (dataDir === undefined) throw new RegistryError('USAGE', 'audit verify: give --server, --data DIR or DATABASE_URL');
    if (!existsSync(join(dataDir, 'registry.sqlite'))) throw new RegistryError('NOT_FOUND', `no registry database in ${dataDir} (registry.sqlite)`);
  } else {
    // The chain is all in PostgreSQL; a scratch folder keeps the registry from writing a key anywhere real.
    scratch = mkdtempSync(join(tmpdir(), 'modelgate-audit-'));
  }
  const { openRegistry, verifyRegistryAudit } = await import('../../app/registry/index.js');
  try {
    const registry = await openRegistry({ dataDir: scratch ?? dataDir, databaseUrl }, { background: false });
    try {
      return await verifyRegistryAudit(registry);
    } finally {
      await registry.close();
    }
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

function renderCheck(check: AuditCheck): string {
  if (check.ok) return `audit chain verified: ${count(check.records, 'record')}, head ${check.head}\n`;
  const at = check.problem ? `at record ${check.problem.seq}: ${check.problem.message}` : '';
  return `audit chain BROKEN ${at} (${count(check.records, 'record')} verified before it, head ${check.head})\n`;
}

/** `modelgate audit verify [--data DIR]` */
function auditVerifyCommand(): Command {
  return registryCommand('verify', "check the audit log's hash chain from the first record to the last (auditors, admins)", {
    ok: 'the chain holds',
    refused: 'the chain is broken (a record changed, missing or out of order)',
  })
    .option('-d, --data <dir>', "read the registry's data folder directly instead of asking a server (DATABASE_URL: PostgreSQL)")
    .addHelpText(
      'after',
      `
Without a server: --data DIR opens DIR/registry.sqlite (beside a running server too), and with
DATABASE_URL (or MODELGATE_DATABASE_URL) set and no --server or MODELGATE_SERVER, the
PostgreSQL database is read; no token is needed then, only access to the database.`,
    )
    .action(
      run(async (opts: VerifyOpts) => {
        const env = process.env;
        if (opts.data !== undefined && opts.server !== undefined) throw new RegistryError('USAGE', 'audit verify: --data or --server, not both');
        const direct = opts.data !== undefined || (opts.server === undefined && !env.MODELGATE_SERVER && databaseUrlOf(env) !== undefined);
        const check = direct ? await verifyDirect(opts.data, env) : await connect(opts).request<AuditCheck>('GET', '/api/audit/verify');
        emit(opts.format, check, () => renderCheck(check));
        return check.ok ? EXIT.OK : EXIT.FINDINGS;
      }),
    );
}

/** `modelgate audit log [--after N] [--limit N]` */
function auditLogCommand(): Command {
  return registryCommand('log', 'the audit log in order, a page at a time (auditors, admins)')
    .option('--after <seq>', 'records after this sequence number (default 0: from the first)')
    .option('--limit <n>', 'at most this many (default and maximum 1000)')
    .action(
      run(async (opts: ConnectionOpts & { after?: string; limit?: string }) => {
        for (const [name, value] of [
          ['--after', opts.after],
          ['--limit', opts.limit],
        ] as const)
          if (value !== undefined && !/^\d+$/.test(value)) throw new RegistryError('USAGE', `${name} needs a whole number, not ${value}`);
        const records = await connect(opts).request<AuditRecord[]>('GET', '/api/audit', { query: { after: opts.after, limit: opts.limit } });
        const last = records.at(-1);
        emit(
          opts.format,
          records,
          () =>
            table(
              ['seq', 'at', 'actor', 'action', 'subject', 'details'],
              records.map((r) => [r.seq, when(r.at), r.actor, r.action, r.subject, JSON.stringify(r.details)]),
            ) + (last ? `(${count(records.length, 'record')}; next page: --after ${last.seq})\n` : ''),
        );
        return EXIT.OK;
      }),
    );
}

/** `modelgate audit …`: the registry's hash-chained audit log. */
export function auditCommand(): Command {
  return new Command('audit').description("the registry's hash-chained audit log").addCommand(auditVerifyCommand()).addCommand(auditLogCommand());
}
