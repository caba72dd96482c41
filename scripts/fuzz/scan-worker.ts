import { fileURLToPath, pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { BlockCoverage } from './coverage.js';

/*
 * The fuzzer's scanning thread: scans what it is sent and answers with the outcome and, when
 * coverage is on, what the input reached first. The main thread watches the time and
 * terminates this thread when a scan hangs.
 */

export interface ScanRequest {
  id: number;
  bytes: Uint8Array;
  name: string;
}

const SRC = pathToFileURL(fileURLToPath(new URL('../../src/', import.meta.url))).href;
const port = parentPort;
if (!port) throw new Error('scripts/fuzz/scan-worker.ts runs as a worker thread');

// Counting starts before the engine loads, so its modules' top-level code counts as run; each
// later take holds one input's counts (V8 resets them).
const coverage = (workerData as { coverage?: boolean } | undefined)?.coverage ? new BlockCoverage(SRC) : undefined;
const { prepareFuzzScan, scanBuffer } = await import('./scan.js');
await prepareFuzzScan();
port.on('message', (request: ScanRequest | { reset: true }) => {
  if ('reset' in request) {
    coverage?.reset();
    return;
  }
  const outcome = scanBuffer(Buffer.from(request.bytes), request.name);
  port.postMessage({ id: request.id, outcome, coverage: coverage?.take() });
});
port.postMessage({ ready: true });
