import { fileURLToPath, pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { BlockCoverage } from './coverage.js';
import { prepareFuzzScan, scanBuffer } from './scan.js';

/*
 * The fuzzer's scanning thread: scans what it is sent and answers with the outcome and, when
 * coverage is on, the blocks the input reached first. The main thread watches the time and
 * terminates this thread when a scan hangs.
 */

export interface ScanRequest {
  id: number;
  bytes: Uint8Array;
  name: string;
  coverage: boolean;
}

const SRC = pathToFileURL(fileURLToPath(new URL('../../src/', import.meta.url))).href;
const port = parentPort;
if (!port) throw new Error('scripts/fuzz/scan-worker.ts runs as a worker thread');

await prepareFuzzScan();
let coverage: BlockCoverage | undefined;
port.on('message', (request: ScanRequest) => {
  // Counting starts here; each later take holds one input's counts (V8 resets them).
  if (request.coverage) coverage ??= new BlockCoverage(SRC);
  const outcome = scanBuffer(Buffer.from(request.bytes), request.name);
  port.postMessage({ id: request.id, outcome, coverage: coverage?.take() });
});
port.postMessage({ ready: true });
