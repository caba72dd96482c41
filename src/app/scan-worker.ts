import { parentPort, workerData } from 'node:worker_threads';
import type { ArtifactEntry, EntrySpec, HubListing } from '../core/artifact.js';
import type { Finding } from '../core/finding.js';
import type { Limits } from '../core/limits.js';
import type { FileResult } from '../core/report-types.js';
import { prepareEngine, scanEntry } from '../engine/index.js';
import { openSpec, SyncHttp, type FetchStats, type SyncLine } from '../sources/index.js';

/**
 * A scan worker: reopens each entry from its spec (a file, bytes, a remote file read through
 * its own synchronous line into the HTTP thread) and runs the kernel on it, so the thread that
 * asked stays free. One job at a time; the answer carries what range reads cost.
 */

/** What the pool sends once, when the worker starts. */
export interface WorkerInit {
  listing?: HubListing;
  line?: SyncLine;
}

export interface ScanJob {
  id: number;
  entry: ArtifactEntry;
  spec: EntrySpec;
  problems: Finding[];
  limits: Limits;
}

export interface ScanReply {
  id: number;
  result?: FileResult;
  error?: string;
  fetched: FetchStats;
}

const init = workerData as WorkerInit;
const http = init.line ? new SyncHttp(init.line) : undefined;
const ready = prepareEngine();

parentPort?.on('message', (job: ScanJob) => {
  void ready.then(() => {
    const stats: FetchStats = { requests: 0, bytes: 0 };
    const before = http?.requests ?? 0;
    let reply: ScanReply;
    try {
      const opened = openSpec(job.spec, { http: () => http, listing: init.listing, stats });
      try {
        const result = scanEntry(job.entry, { ...opened, problems: job.problems }, job.limits);
        reply = { id: job.id, result, fetched: stats };
      } finally {
        opened.close();
      }
    } catch (e) {
      reply = { id: job.id, error: e instanceof Error ? e.message : String(e), fetched: stats };
    }
    // Every request on this worker's line: range reads, and sibling reads of git files.
    reply.fetched.requests = (http?.requests ?? 0) - before;
    parentPort?.postMessage(reply);
  });
});
