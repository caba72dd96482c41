import type { Artifact, ArtifactEntry, OpenedEntry } from '../../core/artifact.js';
import { isModelgateError, ModelgateError } from '../../core/errors.js';
import type { ScanSource } from '../../core/report-types.js';
import type { HubFile, HubSnapshot } from './api.js';
import type { FetchStats } from './remote-source.js';
import { HttpTransport } from './transport.js';
import { hubConfig } from './config.js';
import { HubSession, type HubOptions } from './session.js';
import { specOf } from '../spec.js';

/** One Hugging Face repo at one commit, read through a Hub session. */
export interface HubArtifact extends Artifact {
  readonly kind: 'hub';
  /** The one repo target: a Hub repo is always scanned on its own. */
  readonly targets: [string];
  readonly session: HubSession;
  readonly snapshot: HubSnapshot;
  /** The report's `source`: repo, revision asked for, commit, redirect and the Hub's own status. */
  readonly source: ScanSource;
  /** What range reads and downloads have cost so far. */
  fetched(): FetchStats & { downloaded: number };
  /** Adds what another thread's reads of this repo cost (a scan worker's line). */
  addFetched(stats: FetchStats): void;
  /** A synchronous line into the session's HTTP thread, for a scan worker. */
  line(): ReturnType<HttpTransport['line']>;
}

/** The report's `source` for a snapshot. */
export function snapshotSource(snap: HubSnapshot): ScanSource {
  const source: ScanSource = { repo: snap.ref.repo, revision: snap.ref.revision, commit: snap.commit };
  if (snap.repo !== snap.ref.repo) source.redirectedTo = snap.repo;
  if (snap.security !== undefined) source.hubSecurityStatus = snap.security;
  return source;
}

/**
 * A Hub repo (`hf:ORG/NAME[@REV]`, `hf://…`, `https://huggingface.co/…`): the revision resolved
 * to a commit, the files listed with their hashes. Large files open as range-read sources
 * unless `full` downloads and verifies them; small git files are fetched and checked against
 * their blob id. The session's HTTP thread lives until `close`.
 */
export async function openHubArtifact(target: string, options: HubOptions = {}): Promise<HubArtifact> {
  const http = new HttpTransport(options.transport);
  const session = new HubSession(hubConfig(options.env), http, options);
  let snapshot: HubSnapshot;
  try {
    snapshot = await session.snapshot(target);
  } catch (e) {
    await session.close();
    await http.close();
    throw e;
  }
  const byPath = new Map<string, HubFile>(snapshot.files.map((f) => [f.path, f]));
  const listing = session.listing(snapshot);
  let otherRequests = 0;
  const entries: ArtifactEntry[] = snapshot.files.map((f) => ({ path: f.path, targetIndex: 0, kind: 'file', size: f.size }));
  return {
    kind: 'hub',
    targets: [target],
    entries,
    session,
    snapshot,
    listing,
    source: snapshotSource(snapshot),
    openFailure: 'cannot read from the Hub',
    async open(entry): Promise<OpenedEntry> {
      const file = byPath.get(entry.path);
      if (!file) throw new ModelgateError('UNREADABLE', `${entry.path} is not a file of hf:${snapshot.repo}@${snapshot.commit}`);
      try {
        const opened = await session.open(snapshot, file);
        const source = specOf(opened.source);
        const spec = source && { source, siblings: { kind: 'hub' as const, path: file.path } };
        return { ...opened, siblings: session.siblings(snapshot, file.path, listing), spec };
      } catch (e) {
        throw isModelgateError(e) ? e : new ModelgateError('NETWORK', (e as Error).message, { cause: e });
      }
    },
    fetched() {
      session.stats.requests = http.requests + otherRequests;
      return session.stats;
    },
    addFetched(stats) {
      otherRequests += stats.requests;
      session.stats.bytes += stats.bytes;
    },
    line: () => http.line(),
    async close() {
      await session.close();
      await http.close();
    },
  };
}
