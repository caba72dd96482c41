import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ArtifactEntry, EntrySpec, HubListing } from '../core/artifact.js';
import type { Finding } from '../core/finding.js';
import type { Limits } from '../core/limits.js';
import type { FileResult } from '../core/report-types.js';
import type { FetchStats, SyncLine } from '../sources/index.js';
import type { ArtifactShare, ScanJob, ScanReply } from './scan-worker.js';
import { startModuleWorker } from './threads.js';
// Names the process's private temporary folder in the environment as it loads (in the main
// thread), so that every scan worker, started below, inherits it: the engine, which loads it
// too, may load after the first worker starts (run-scan.ts).
import '../formats/hdf5/temp-dir.js';

/** What the jobs of one artifact share: its repo listing, HTTP lines into its session, the byte counter. */
export interface ArtifactLink {
  /** Unique per opened artifact. */
  id: number;
  listing?: HubListing;
  line?: () => { line: SyncLine; transfer: Transferable[] };
  /** Called with what each job's range reads cost. */
  onFetched?: (stats: FetchStats) => void;
}

interface Pending {
  job: ScanJob;
  transfer: Transferable[];
  link: ArtifactLink;
  resolve(result: FileResult): void;
  reject(e: Error): void;
}

interface Lane {
  worker: Worker;
  busy?: Pending;
  /** Artifacts whose listing and line this worker already has. */
  seen: Set<number>;
}

let nextArtifact = 1;

/** A fresh artifact id for `ArtifactLink`. */
export function newArtifactId(): number {
  return nextArtifact++;
}

/**
 * Scan workers: the synchronous kernel runs in worker threads, so the caller's event loop
 * stays free (an HTTP server answers while scans run) and several files scan at once. Workers
 * start as jobs arrive, up to `size`, and stay for later scans (idle ones never keep the
 * process alive); a worker that dies fails its job and is replaced.
 */
export class ScanPool {
  private readonly lanes: Lane[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly size: number) {}

  /** Scans one opened entry of an artifact in a worker. */
  scan(entry: ArtifactEntry, spec: EntrySpec, problems: Finding[], limits: Limits, link: ArtifactLink): Promise<FileResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, entry, spec, problems, limits, artifact: { id: link.id } }, transfer: [], link, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const next = this.queue[0]!;
      // A worker that already knows the artifact, else any idle one, else a new one.
      let lane = this.lanes.find((l) => !l.busy && l.seen.has(next.link.id)) ?? this.lanes.find((l) => !l.busy);
      if (!lane && this.lanes.length < this.size) {
        try {
          lane = this.start();
        } catch (e) {
          // A worker that cannot start (a permission model without --allow-worker) fails the
          // job, whose file is then an error, never clean; run-scan does not ask a pool then.
          this.queue.shift();
          next.reject(e instanceof Error ? e : new Error(String(e)));
          continue;
        }
      }
      if (!lane) return;
      this.queue.shift();
      let transfer: Transferable[] = [];
      if (!lane.seen.has(next.link.id)) {
        const line = next.link.line?.();
        next.job.artifact = { id: next.link.id, listing: next.link.listing, line: line?.line } satisfies ArtifactShare;
        transfer = line?.transfer ?? [];
        lane.seen.add(next.link.id);
      }
      lane.busy = next;
      lane.worker.ref();
      lane.worker.postMessage(next.job, transfer as never);
    }
  }

  private start(): Lane {
    // A young generation of 8 MB (V8's default reaches 48): a scan's garbage is short-lived,
    // and the peak RSS of a 32 MB pickle's scan is 20-25 MB lower for the same time.
    const worker = startModuleWorker(import.meta.url, 'scan-worker', { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    const lane: Lane = { worker, seen: new Set() };
    worker.on('message', (reply: ScanReply) => {
      const pending = lane.busy;
      lane.busy = undefined;
      worker.unref();
      if (pending && pending.job.id === reply.id) {
        pending.link.onFetched?.(reply.fetched);
        if (reply.result) pending.resolve(reply.result);
        else pending.reject(new Error(reply.error ?? 'the scan worker gave no result'));
      }
      this.pump();
    });
    const fail = (e: Error): void => {
      const at = this.lanes.indexOf(lane);
      if (at < 0) return;
      this.lanes.splice(at, 1);
      lane.busy?.reject(e);
      lane.busy = undefined;
      this.pump();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the scan worker stopped (exit code ${code})`)));
    this.lanes.push(lane);
    return lane;
  }

  /** Stops every worker; queued jobs fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('the scan pool was closed'));
    const lanes = this.lanes.splice(0);
    for (const l of lanes) l.busy?.reject(new Error('the scan pool was closed'));
    await Promise.all(lanes.map((l) => l.worker.terminate()));
  }
}

let shared: ScanPool | undefined;

/** The process's pool of one worker per core, created on first use and kept for later scans. */
export function sharedPool(): ScanPool {
  shared ??= new ScanPool(availableParallelism());
  return shared;
}
