import type { Limits } from '../core/limits.js';
import type { ScanResult } from '../core/report-types.js';
import type { ScanObserver } from '../engine/index.js';
import type { HubOptions } from '../sources/index.js';
import type { FetchStats } from '../sources/hf/remote-source.js';
import { runScan } from './run-scan.js';

/** Options of `scan` and `scanHub`: a `ScanRequest` without its targets and gate. */
export interface ScanOptions {
  limits?: Partial<Limits>;
  /** Whole-file SHA-256 (default true). */
  hash?: boolean;
  /** Called after each file, for progress bars. */
  onProgress?: (done: number, path: string) => void;
  /** Sees every pickle stream read (for `modelgate inspect`). */
  observer?: ScanObserver;
}

export interface HubScanOptions extends ScanOptions, HubOptions {}

/** A hub scan's report, plus what the range reads and downloads cost. */
export interface HubScanResult extends ScanResult {
  fetched: FetchStats & { downloaded: number };
}

/** `runScan` of local files and folders. */
export async function scan(targets: string[], options: ScanOptions = {}): Promise<ScanResult> {
  return runScan({ ...options, targets });
}

/** `runScan` of one Hugging Face repo (`hf:ORG/NAME[@REV]`, `hf://…`, `https://huggingface.co/…`). */
export async function scanHub(target: string, options: HubScanOptions = {}): Promise<HubScanResult> {
  const result = await runScan({ ...options, targets: [target] });
  if (!result.fetched) throw new TypeError(`${target} is not a Hugging Face repo`);
  return result as HubScanResult;
}
