import { Command, Option } from 'commander';
import { EXIT } from '../exit-codes.js';
import { describeError, RegistryClient, RegistryError } from './client.js';

/** What every registry command takes: where the registry is, who is calling, how to print. */
export interface ConnectionOpts {
  server?: string;
  token?: string;
  format: 'text' | 'json';
}

/** A command's own exit codes 0 and 1, when it has more to say than "done". */
export interface Exits {
  ok?: string;
  refused?: string;
}

/** The help text every registry command ends with. */
export function registryHelp(exits: Exits = {}): string {
  return `
Server and token: --server URL (or MODELGATE_SERVER) and --token T (or MODELGATE_TOKEN; prefer
the variable: a flag shows in the process list). The token is sent in the Authorization header
only and never printed.

Output: text for people (aligned tables); --format json prints the registry API's JSON.
Errors print "modelgate: CODE: message" on stderr (CODE is the registry's: FORBIDDEN,
CONFLICT, NOT_FOUND, UNAUTHENTICATED…, or NETWORK, TIMEOUT, USAGE).

Exit codes:
  0  ${exits.ok ?? 'done'}${exits.refused ? `\n  1  ${exits.refused}` : ''}
  2  usage error, no or bad token, a refusal by the registry (FORBIDDEN, CONFLICT…),
     network or server error`;
}

/** A registry command: its name and description, the connection options, and the help text. */
export function registryCommand(name: string, description: string, exits?: Exits): Command {
  return new Command(name)
    .description(description)
    .option('--server <url>', 'registry URL (default $MODELGATE_SERVER)')
    .option('--token <token>', 'API token (default $MODELGATE_TOKEN)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('afterAll', registryHelp(exits));
}

/** Hosts a token may go to over plain HTTP without a warning: this machine. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The client for the server and token of the options or the environment. */
export function connect(opts: Pick<ConnectionOpts, 'server' | 'token'>, env: NodeJS.ProcessEnv = process.env): RegistryClient {
  const server = opts.server ?? env.MODELGATE_SERVER;
  if (!server) throw new RegistryError('USAGE', 'no registry: give --server URL or set MODELGATE_SERVER');
  let base: URL;
  try {
    base = new URL(server.endsWith('/') ? server : `${server}/`);
  } catch {
    throw new RegistryError('USAGE', `--server needs an http(s) URL, not ${JSON.stringify(server)}`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new RegistryError('USAGE', `--server needs an http(s) URL, not ${base.protocol} one`);
  if (base.username || base.password)
    throw new RegistryError('USAGE', '--server takes no credentials in the URL: give the token with --token or MODELGATE_TOKEN');
  const token = opts.token ?? env.MODELGATE_TOKEN;
  if (!token) throw new RegistryError('UNAUTHENTICATED', 'no token: give --token T or set MODELGATE_TOKEN');
  if (base.protocol === 'http:' && !LOCAL_HOSTS.has(base.hostname))
    process.stderr.write(`modelgate: warning: the token goes to ${base.host} over plain HTTP; use https\n`);
  return new RegistryClient(base, token);
}

/**
 * Wraps a command's action: it returns its exit code, and an error it throws is printed as
 * `modelgate: CODE: message` with exit code 2. A bug (no code) still propagates.
 */
export function run<A extends unknown[]>(action: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = await action(...args);
    } catch (e) {
      const known = describeError(e);
      if (!known) throw e;
      process.stderr.write(`modelgate: ${known.code}: ${known.message}\n`);
      process.exitCode = EXIT.ERROR;
    }
  };
}

/** Prints the API's JSON, or the text rendering of it. */
export function emit(format: ConnectionOpts['format'], json: unknown, text: () => string): void {
  process.stdout.write(format === 'json' ? `${JSON.stringify(json, null, 2)}\n` : text());
}

/** The one of `choices` (labels such as `--hub`, each with its value) that was given, or USAGE. */
export function oneOf(choices: Record<string, unknown>, what: string): string {
  const labels = Object.keys(choices);
  const given = labels.filter((l) => choices[l] !== undefined && choices[l] !== false);
  if (given.length !== 1) throw new RegistryError('USAGE', `${what}: give exactly one of ${labels.join(', ')}`);
  return given[0]!;
}
