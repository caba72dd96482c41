import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../src/app/threads.js';
import type { CoverageDelta } from './coverage.js';
import type { ScanOutcome } from './scan.js';

/** What became of one input: an outcome, or a scan that did not finish (a hang, or the thread died). */
export type HostResult = { kind: 'done'; outcome: ScanOutcome; coverage?: CoverageDelta } | { kind: 'hang'; ms: number } | { kind: 'died'; message: string };

/** Memory the scanning thread may use: a parser that allocates from a lying length dies here, not the machine. */
const WORKER_HEAP_MB = 1536;

/**
 * The scanning thread, seen from the fuzzer: one input at a time, each under a wall-clock
 * watchdog. A scan past its time, or a thread that dies (out of memory), is recorded and the
 * thread is replaced.
 */
export class ScanHost {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 0;

  constructor(
    private readonly timeoutMs: number,
    private readonly coverage: boolean,
  ) {}

  private start(): Promise<void> {
    const worker = startModuleWorker(import.meta.url, 'scan-worker', {
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      stderr: false,
      workerData: { coverage: this.coverage },
    });
    this.worker = worker;
    return new Promise((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }): void => {
        if (!m.ready) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  }

  /** Scans `bytes` as the file `name` in the scanning thread, within `timeoutMs` (the host's by default). */
  async scan(bytes: Buffer, name: string, timeoutMs = this.timeoutMs): Promise<HostResult> {
    this.ready ??= this.start();
    await this.ready;
    const worker = this.worker!;
    const id = this.nextId++;
    const started = performance.now();
    return new Promise<HostResult>((resolve) => {
      const finish = (result: HostResult, restart: boolean): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (restart) {
          void worker.terminate();
          this.ready = undefined;
          this.worker = undefined;
        }
        resolve(result);
      };
      const onMessage = (m: { id?: number; outcome?: ScanOutcome; coverage?: CoverageDelta }): void => {
        if (m.id === id && m.outcome) finish({ kind: 'done', outcome: m.outcome, coverage: m.coverage }, false);
      };
      const onError = (e: Error): void => finish({ kind: 'died', message: `${e.name}: ${e.message}` }, true);
      const onExit = (code: number): void => finish({ kind: 'died', message: `the scanning thread exited (${code})` }, true);
      const timer = setTimeout(() => finish({ kind: 'hang', ms: performance.now() - started }, true), timeoutMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, bytes, name });
    });
  }

  /** Starts coverage afresh in the scanning thread (a new thread starts afresh anyway). */
  reset(): void {
    this.worker?.postMessage({ reset: true });
  }

  /** Stops the scanning thread. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    await worker?.terminate();
  }
}
