import type { Artifact } from '../core/artifact.js';
import { ModelgateError } from '../core/errors.js';
import { openHubArtifact, type HubArtifact } from './hf/artifact.js';
import { isHubTarget } from './hf/ref.js';
import type { HubOptions } from './hf/session.js';
import { openLocalArtifact } from './local/artifact.js';

export type { HubArtifact } from './hf/artifact.js';
export { snapshotSource } from './hf/artifact.js';
export { isHubTarget, parseHubRef } from './hf/ref.js';
export type { HubFile, HubSnapshot } from './hf/api.js';
export type { FetchStats } from './hf/remote-source.js';
export { SyncHttp, type SyncLine } from './hf/transport.js';
export { openSpec, specOf, type SpecContext } from './spec.js';
export { withHubSession, type HubOptions, type HubSession } from './hf/session.js';
export { checkoutSnapshot } from './hf/checkout.js';
export { HashPool } from './local/hash-pool.js';
export { FileSource } from './local/file-source.js';
export { walkTarget, type WalkEntry } from './local/walk.js';

export interface ArtifactOptions extends HubOptions {
  /** Whole-file SHA-256 of local files (default true). */
  hash?: boolean;
  /** Globs of local files not to scan (scan --exclude; core/glob.ts); a file named as a target is scanned all the same. */
  exclude?: readonly string[];
}

/**
 * What a list of targets names: one Hugging Face repo (`hf:…`, `hf://…`, a huggingface.co URL),
 * or local files and folders. The only place that decides between the two.
 */
export async function openArtifact(targets: string[], options: ArtifactOptions = {}): Promise<Artifact | HubArtifact> {
  const [hub] = targets.filter(isHubTarget);
  if (hub !== undefined) {
    if (targets.length > 1) throw new ModelgateError('USAGE', 'a Hugging Face repo is scanned on its own: give one hf: target');
    return openHubArtifact(hub, options);
  }
  return openLocalArtifact(targets, { hash: options.hash, exclude: options.exclude });
}

/** True when an artifact is a Hub repo (and has its snapshot and session). */
export function isHubArtifact(a: Artifact): a is HubArtifact {
  return a.kind === 'hub';
}
