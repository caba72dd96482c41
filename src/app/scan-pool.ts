import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ArtifactEntry, EntrySpec, HubListing } from '../core/artifact.js';
import type { Finding } from '../core/finding.js';
import type { Limits } from '../core/limits.js';
import type { FileResult } from '../core/report-types.js';
import type { FetchStats, SyncLine } from '../sources/index.js';
import type { ScanJob, ScanReply, WorkerInit } from './scan-worker.js';
import { startModuleWorker } from './threads.js';

/** What the workers of one artifact share: the repo listing and a way to open HTTP lines. */
export interface PoolShare {
  listing?: HubListing;
  line?: () => { line: SyncLine; transfer: Transferable[] };
  /** Called with what each job's range reads cost. */
  onFetched?: (stats: FetchStats) => void;
}

interface Pending {
  job: ScanJob;
  resolve(result: FileResult): void;
  reject(e: Error): void;
}

interface Lane {
  worker: Worker;
  busy?: Pending;
}

/** The default number of scan workers: one per core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * Scan workers for one artifact: the synchronous kernel runs in worker threads, so the
 * caller's event loop stays free (an HTTP server answers while scans run) and several files
 * scan at once. Workers start as jobs arrive, up to `size`; a worker that dies fails its job
 * and is replaced.
 */
export class ScanPool {
  private readonly lanes: Lane[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly share: PoolShare = {},
  ) {}

  /** How many workers may run. */
  get capacity(): number {
    return this.size;
  }

  /** Scans one opened entry in a worker. */
  scan(entry: ArtifactEntry, spec: EntrySpec, problems: Finding[], limits: Limits): Promise<FileResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, entry, spec, problems, limits }, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let lane = this.lanes.find((l) => !l.busy);
      if (!lane && this.lanes.length < this.size) lane = this.start();
      if (!lane) return;
      const next = this.queue.shift()!;
      lane.busy = next;
      lane.worker.postMessage(next.job);
    }
  }

  private start(): Lane {
    const line = this.share.line?.();
    const init: WorkerInit = { listing: this.share.listing, line: line?.line };
    const worker = startModuleWorker(import.meta.url, 'scan-worker', { workerData: init, transferList: line?.transfer as never });
    const lane: Lane = { worker };
    worker.on('message', (reply: ScanReply) => {
      const pending = lane.busy;
      lane.busy = undefined;
      if (pending && pending.job.id === reply.id) {
        this.share.onFetched?.(reply.fetched);
        if (reply.result) pending.resolve(reply.result);
        else pending.reject(new Error(reply.error ?? 'the scan worker gave no result'));
      }
      this.pump();
    });
    const fail = (e: Error): void => {
      this.lanes.splice(this.lanes.indexOf(lane), 1);
      lane.busy?.reject(e);
      lane.busy = undefined;
      if (!this.closed) this.pump();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.lanes.includes(lane)) fail(new Error(`the scan worker stopped (exit code ${code})`));
    });
    this.lanes.push(lane);
    return lane;
  }

  async close(): Promise<void> {
    this.closed = true;
    const lanes = this.lanes.splice(0);
    await Promise.all(lanes.map((l) => l.worker.terminate()));
  }
}
