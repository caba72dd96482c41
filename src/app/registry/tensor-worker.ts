import { parentPort, workerData } from 'node:worker_threads';
import { FileSource } from '../../sources/index.js';
import { tensorDigests } from '../lineage/index.js';

/**
 * Hashes the tensors of safetensors files off the server's event loop: gets file paths, posts
 * back `[path, rows | error]` for each, rows as `[name, dtype, shape, sha256, constant]`.
 */
const paths = workerData as string[];
for (const path of paths) {
  let source: FileSource | undefined;
  try {
    source = new FileSource(path);
    const rows = [...tensorDigests(source)].map(([name, t]) => [name, t.dtype, t.shape, t.sha256, t.constant]);
    parentPort?.postMessage([path, rows]);
  } catch (e) {
    parentPort?.postMessage([path, { error: (e as Error).message }]);
  } finally {
    source?.close();
  }
}
