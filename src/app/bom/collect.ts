import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { cannotRead, missing, ModelgateError } from '../../core/errors.js';
import type { Artifact } from '../../core/artifact.js';
import { runScan } from '../run-scan.js';
import { scan, type HubScanOptions } from '../scan.js';
import { isHubArtifact, isHubTarget, openArtifact, type HubArtifact } from '../../sources/index.js';
import type { SignatureFacts } from '../policy/facts.js';
import { hubSignatureFacts } from '../gate.js';
import { signatureFacts, type SignatureFactsOptions } from '../signing/facts.js';
import { buildBom, type BomInput } from './build.js';
import { MAX_CARD_BYTES, readCard, readConfig } from './card.js';

export interface BomOptions {
  /** Hub options for `hf:` targets (env, transport), as for scanning. */
  hub?: HubScanOptions;
  /** How to check a local target's signature (model.sig at its root by default). */
  signature?: SignatureFactsOptions;
  timestamp?: string;
  serialNumber?: string;
}

/** At most the first MAX_CARD_BYTES of a local file, as text; undefined when it is absent. */
function readLocalText(path: string): string | undefined {
  if (!existsSync(path) || !statSync(path).isFile()) return undefined;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(statSync(path).size, MAX_CARD_BYTES));
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** README.md and config.json of a Hub repo, at the commit the artifact was opened at. */
async function readHubTexts(artifact: Artifact): Promise<{ card?: string; config?: string }> {
  const read = async (path: string): Promise<string | undefined> => {
    const entry = artifact.entries.find((e) => e.path === path);
    if (!entry || entry.size > MAX_CARD_BYTES) return undefined;
    const opened = await artifact.open(entry);
    try {
      return opened.problems.length > 0 ? undefined : opened.source.read(0, opened.source.size).toString('utf8');
    } finally {
      opened.close();
    }
  };
  return { card: await read('README.md'), config: await read('config.json') };
}

/** The BOM input of an opened Hub repo: its scan, card, config and signature, all at one commit. */
async function hubBomInput(artifact: HubArtifact, options: BomOptions): Promise<BomInput> {
  const result = await runScan({ ...(options.hub ?? {}), targets: artifact.targets, artifact });
  const source = result.source;
  if (!source) throw new ModelgateError('NETWORK', `${artifact.targets[0]}: the scan did not resolve a commit`);
  const repo = source.redirectedTo ?? source.repo;
  const texts = await readHubTexts(artifact);
  // A legacy repo id without an organisation (`gpt2`) is all name, as build.ts's splitRepo reads it.
  const [first, second] = repo.split('/');
  const [group, name] = second === undefined ? [undefined, first!] : [first, second];
  const endpoint = (options.hub?.env ?? process.env).HF_ENDPOINT ?? 'https://huggingface.co';
  const input: BomInput = {
    scan: result,
    group,
    name,
    version: source.commit,
    purl: `pkg:huggingface/${repo}@${source.commit}`,
    url: `${endpoint.replace(/\/+$/, '')}/${repo}/tree/${source.commit}`,
    card: texts.card === undefined ? undefined : readCard(texts.card),
    config: texts.config === undefined ? undefined : readConfig(texts.config),
  };
  // The repo's model.sig, verified over a checkout at the scanned commit (nothing is
  // downloaded when there is none).
  const sig = await hubSignatureFacts(artifact, [...(options.signature?.signers ?? [])], { ...(options.hub ?? {}), ...options.signature });
  if (sig.checked) input.signature = sig;
  return input;
}

/**
 * Scans a folder or an `hf:` repo and builds its CycloneDX 1.6 ML-BOM. A local folder's
 * signature (model.sig) is verified when present and recorded; a Hub repo's files are read at
 * the commit its revision resolved to, which becomes the purl's version.
 */
export async function bomForTarget(target: string, options: BomOptions = {}): Promise<Record<string, unknown>> {
  let input: BomInput;
  if (isHubTarget(target)) {
    // One Hub session for the scan, the card and the signature: the same commit throughout.
    const artifact = await openArtifact([target], options.hub ?? {});
    try {
      if (!isHubArtifact(artifact)) throw new ModelgateError('USAGE', `${target} is not a Hugging Face repo`);
      input = await hubBomInput(artifact, options);
    } finally {
      await artifact.close();
    }
  } else {
    if (!existsSync(target)) throw cannotRead(target, missing());
    const result = await scan([target]);
    const folder = statSync(target).isDirectory() ? target : join(target, '..');
    const card = readLocalText(join(folder, 'README.md'));
    const config = readLocalText(join(folder, 'config.json'));
    let signature: SignatureFacts | undefined = await signatureFacts(target, options.signature);
    if (!signature.checked) signature = undefined;
    input = {
      scan: result,
      name: basename(resolve(target)),
      card: card === undefined ? undefined : readCard(card),
      config: config === undefined ? undefined : readConfig(config),
      signature,
    };
  }
  return buildBom({ ...input, timestamp: options.timestamp, serialNumber: options.serialNumber });
}
