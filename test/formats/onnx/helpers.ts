import { BufferSource, type ByteSource } from '../../../src/core/byte-source.js';
import { verdictOf, type Finding, type Verdict } from '../../../src/core/finding.js';
import { withLimits } from '../../../src/core/limits.js';
import { ScanContext, type SiblingFile } from '../../../src/engine/index.js';
import { scanOnnx } from '../../../src/engine/handlers/onnx.js';

export interface Scanned {
  format: string;
  findings: Finding[];
  verdict: Verdict;
}

/** Runs the ONNX handler on bytes named `name`, with optional files beside it. */
export function scanBytes(bytes: Buffer | ByteSource, name = 'model.onnx', siblings: Record<string, Buffer> = {}): Scanned {
  const findings: Finding[] = [];
  const sibling = (n: string): SiblingFile | undefined => {
    const file = siblings[n];
    return file ? { name: n, size: file.length, read: () => file } : undefined;
  };
  const ctx = new ScanContext(name, withLimits(), findings, { decompressed: 0 }, 0, undefined, sibling);
  const format = scanOnnx(Buffer.isBuffer(bytes) ? new BufferSource(bytes) : bytes, ctx);
  return { format, findings, verdict: verdictOf(findings) };
}
