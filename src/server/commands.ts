import { Command } from 'commander';
import { bootstrapAdmin, loadRegistryConfig } from '../app/registry/index.js';
import { ModelgateError } from '../core/errors.js';
import { DEFAULT_PORT, startServer } from './serve.js';

const HELP_AFTER = `
Runs the registry (the airlock) on one port: the API under /api (OpenAPI at /openapi.json),
the web UI at /, and a Hugging Face-compatible endpoint under /hf that serves approved,
commit-pinned versions only.

Embedded default: SQLite and a content-addressed blob store in the data folder, scans in this
process's worker pool; nothing else to run. PostgreSQL with DATABASE_URL=postgres://…

Configuration: --config FILE (YAML or JSON), then MODELGATE_* variables (MODELGATE_PORT,
MODELGATE_HOST, MODELGATE_DATA, MODELGATE_REGISTRY_POLICY, MODELGATE_DRY_RUN_POLICY,
MODELGATE_MAX_FILE_BYTES, MODELGATE_ALLOWED_PATHS, MODELGATE_HUB_ENDPOINT, MODELGATE_ADMIN_TOKEN…)
and DATABASE_URL, then these flags. On the first start, an admin token is printed once.`;

function port(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ModelgateError('USAGE', `--port needs a port number, not ${raw}`);
  return n;
}

/** `modelgate serve`: the registry server, until SIGINT or SIGTERM. */
function serveCommand(): Command {
  return new Command('serve')
    .description('run the model registry (API, web UI, Hugging Face-compatible endpoint)')
    .option('-p, --port <n>', `port (default ${DEFAULT_PORT}; 0 picks a free one)`)
    .option('--host <addr>', 'address to listen on (default 127.0.0.1)')
    .option('-d, --data <dir>', 'data folder: database, blobs, signing key (default ./modelgate-data)')
    .option('-c, --config <file>', 'config file (YAML or JSON)')
    .option('--policy <file>', 'a modelgate policy: a deny rejects a submission automatically')
    .addHelpText('after', HELP_AFTER)
    .action(async (opts: { port?: string; host?: string; data?: string; config?: string; policy?: string }) => {
      const config = loadRegistryConfig(opts.config, process.env, { port: port(opts.port), host: opts.host, dataDir: opts.data, policy: opts.policy });
      const server = await startServer(config);
      const token = await bootstrapAdmin(server.registry.ctx);
      process.stdout.write(`modelgate registry at ${server.url} (data: ${server.registry.ctx.config.dataDir}, database: ${server.registry.ctx.db.dialect})\n`);
      if (server.registry.resumed > 0) process.stdout.write(`resumed ${server.registry.resumed} unfinished pipeline(s)\n`);
      if (token) process.stdout.write(`first start: admin token (shown once, keep it): ${token}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}

/** The commands the server face adds to `modelgate`. */
export function serverCommands(): Command[] {
  return [serveCommand()];
}
