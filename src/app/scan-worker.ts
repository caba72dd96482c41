import { parentPort } from 'node:worker_threads';
import type { ArtifactEntry, EntrySpec, HubListing } from '../core/artifact.js';
import type { Finding } from '../core/finding.js';
import type { Limits } from '../core/limits.js';
import type { FileResult } from '../core/report-types.js';
import { prepareEngine, scanEntry } from '../engine/index.js';
import { openSpec, SyncHttp, type FetchStats, type SyncLine } from '../sources/index.js';

/**
 * A scan worker: reopens each entry from its spec (a file, bytes, a remote file read through
 * its own synchronous line into the artifact's HTTP thread) and runs the kernel on it, so the
 * thread that asked stays free. One job at a time; the answer carries what range reads cost.
 */

/** What the first job of an artifact on this worker brings: the repo listing and an HTTP line. */
export interface ArtifactShare {
  id: number;
  listing?: HubListing;
  line?: SyncLine;
}

export interface ScanJob {
  id: number;
  entry: ArtifactEntry;
  spec: EntrySpec;
  problems: Finding[];
  limits: Limits;
  artifact: ArtifactShare;
}

export interface ScanReply {
  id: number;
  result?: FileResult;
  error?: string;
  fetched: FetchStats;
}

/** Artifacts kept at once; older ones are dropped (their scans are long over). */
const MAX_ARTIFACTS = 8;

interface Known {
  listing?: HubListing;
  http?: SyncHttp;
}

const artifacts = new Map<number, Known>();
const ready = prepareEngine();

function know(share: ArtifactShare): Known {
  let known = artifacts.get(share.id);
  if (!known) {
    known = { listing: share.listing, http: share.line ? new SyncHttp(share.line) : undefined };
    artifacts.set(share.id, known);
    for (const [id, old] of artifacts) {
      if (artifacts.size <= MAX_ARTIFACTS) break;
      old.http?.close();
      artifacts.delete(id);
    }
  }
  return known;
}

parentPort?.on('message', (job: ScanJob) => {
  void ready.then(() => {
    const known = know(job.artifact);
    const stats: FetchStats = { requests: 0, bytes: 0 };
    const before = known.http?.requests ?? 0;
    let reply: ScanReply;
    try {
      const opened = openSpec(job.spec, { http: () => known.http, listing: known.listing, stats });
      try {
        reply = { id: job.id, result: scanEntry(job.entry, { ...opened, problems: job.problems }, job.limits), fetched: stats };
      } finally {
        opened.close();
      }
    } catch (e) {
      reply = { id: job.id, error: e instanceof Error ? e.message : String(e), fetched: stats };
    }
    // Every request on this artifact's line: range reads, and sibling reads of git files.
    reply.fetched.requests = (known.http?.requests ?? 0) - before;
    parentPort?.postMessage(reply);
  });
});
