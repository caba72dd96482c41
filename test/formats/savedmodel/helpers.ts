import { BufferSource } from '../../../src/core/byte-source.js';
import { verdictOf, type Finding, type Verdict } from '../../../src/core/finding.js';
import { withLimits } from '../../../src/core/limits.js';
import { ScanContext, type SiblingFile } from '../../../src/engine/index.js';
import { scanSavedModel } from '../../../src/engine/handlers/savedmodel.js';

export interface Scanned {
  format: string;
  findings: Finding[];
  verdict: Verdict;
}

/** Runs the SavedModel handler on bytes named `name`, with optional files beside it. */
export function scanBytes(bytes: Buffer, siblings: Record<string, Buffer> = {}, name = 'saved_model.pb'): Scanned {
  const findings: Finding[] = [];
  const sibling = (n: string): SiblingFile | undefined => (siblings[n] ? { name: n, size: siblings[n].length, read: () => siblings[n]! } : undefined);
  const ctx = new ScanContext(`model/${name}`, withLimits(), findings, { decompressed: 0 }, 0, undefined, sibling);
  const format = scanSavedModel(new BufferSource(bytes), ctx);
  return { format, findings, verdict: verdictOf(findings) };
}
