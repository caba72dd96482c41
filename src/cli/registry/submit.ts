import type { Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import { RegistryError, type RegistryClient } from './client.js';
import { connect, emit, oneOf, registryCommand, run, type ConnectionOpts } from './command.js';
import { collectFiles } from './files.js';
import { count } from './table.js';
import type { VersionRow } from './types.js';
import { uploadFile } from './upload.js';
import { renderVerdict, verdictExit, waitForVerdict } from './wait.js';

interface SubmitOpts extends ConnectionOpts {
  model: string;
  hub?: string;
  hubToken?: string;
  path?: string;
  owner?: string;
  businessOwner?: string;
  wait?: boolean;
  timeout: string;
}

/** A scan can take a while on a large model; --timeout says how long --wait waits. */
const DEFAULT_WAIT_SECONDS = 1800;

const HELP = `
Sources (exactly one):
  DIR_OR_FILES...        upload: a folder's files by their paths relative to it (its .git
                         folder left out), a file by its name; streamed with their length and
                         checked against the SHA-256 the registry stored. Symbolic links and
                         special files are refused before anything is sent.
  --hub ORG/NAME[@REV]   the registry fetches the repo, pinned to the commit REV resolves to
                         (default main); --hub-token for a gated repo (used once, not stored)
  --path /server/path    the registry reads a folder on its own machine (allowedPaths only)

--wait waits until the scan has judged the version (it leaves submitted and scanning) and
prints its state, verdict and risk.`;

const WAIT_EXITS = {
  ok: 'done; with --wait: the version went on to review, approval or approved',
  refused: 'with --wait: the version was rejected (a policy deny or a failed scan)',
};

/** `org/name@rev` (or `hf:org/name@rev`) as the API's hub source. */
function hubSource(ref: string): { kind: 'hub'; repo: string; revision?: string } {
  const bare = ref.replace(/^hf:(\/\/)?/, '');
  const at = bare.indexOf('@');
  if (at === -1) return { kind: 'hub', repo: bare };
  const revision = bare.slice(at + 1);
  if (!revision) throw new RegistryError('USAGE', `--hub ${ref}: no revision after @`);
  return { kind: 'hub', repo: bare.slice(0, at), revision };
}

async function submit(client: RegistryClient, targets: string[], opts: SubmitOpts): Promise<VersionRow> {
  const base = { model: opts.model, owner: opts.owner, businessOwner: opts.businessOwner };
  if (opts.hub !== undefined)
    return client.request<VersionRow>('POST', '/api/submissions', { json: { ...base, source: hubSource(opts.hub), hubToken: opts.hubToken } });
  if (opts.path !== undefined) return client.request<VersionRow>('POST', '/api/submissions', { json: { ...base, source: { kind: 'path', path: opts.path } } });
  // Every file is checked before the registry hears of the submission.
  const files = collectFiles(targets);
  const version = await client.request<VersionRow>('POST', '/api/submissions', { json: { ...base, source: { kind: 'upload' } } });
  try {
    for (const file of files) await uploadFile(client, version.id, file);
  } catch (e) {
    // Nothing is left waiting for files that will not come: the version is abandoned (rejected).
    const abandoned = await client
      .request('POST', `/api/versions/${encodeURIComponent(version.id)}/abandon`, { json: { reason: (e as Error).message.slice(0, 1000) } })
      .then(
        () => true,
        () => false,
      );
    if (e instanceof RegistryError) e.message = `${e.message} (version ${version.id} ${abandoned ? 'abandoned' : 'stays receiving, unfinished'})`;
    throw e;
  }
  return client.request<VersionRow>('POST', `/api/versions/${encodeURIComponent(version.id)}/finish`);
}

/** `modelgate submit DIR_OR_FILES... --model ORG/NAME [--wait]`, or `--hub` / `--path`. */
export function submitCommand(): Command {
  return registryCommand('submit', 'submit a model version to the registry: upload files, or name a Hub repo or a server path', WAIT_EXITS)
    .argument('[dir_or_files...]', 'a model folder, or files, to upload')
    .requiredOption('--model <org/name>', 'the model this is a version of')
    .option('--hub <org/name[@rev]>', 'let the registry fetch this Hugging Face repo instead')
    .option('--hub-token <token>', 'with --hub: a Hub token for a gated repo')
    .option('--path <path>', 'let the registry read this folder on the server instead')
    .option('--owner <owner>', 'owner of a new model (default: you)')
    .option('--business-owner <owner>', 'business owner of a new model')
    .option('--wait', 'wait for the scan and print the verdict (exit 1 when rejected)')
    .option('--timeout <seconds>', 'with --wait: give up after this long', String(DEFAULT_WAIT_SECONDS))
    .addHelpText('after', HELP)
    .action(
      run(async (targets: string[], opts: SubmitOpts) => {
        oneOf({ DIR_OR_FILES: targets.length > 0 || undefined, '--hub': opts.hub, '--path': opts.path }, 'submit');
        if (opts.hubToken !== undefined && opts.hub === undefined) throw new RegistryError('USAGE', '--hub-token goes with --hub');
        const timeout = Number(opts.timeout);
        if (!(timeout > 0)) throw new RegistryError('USAGE', `--timeout needs a number of seconds, not ${opts.timeout}`);
        const client = connect(opts);
        const version = await submit(client, targets, opts);
        if (!opts.wait) {
          emit(opts.format, version, () => `submitted ${version.model_id} version ${version.id}: ${version.state}\n`);
          return EXIT.OK;
        }
        const view = await waitForVerdict(client, version.id, timeout * 1000);
        const files = view.files.length;
        emit(opts.format, view, () => `submitted ${version.model_id} (${count(files, 'file')}), scanned:\n${renderVerdict(view)}`);
        return verdictExit(view.state);
      }),
    );
}
