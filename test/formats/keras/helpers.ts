import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { BufferSource, type ByteSource } from '../../../src/core/byte-source.js';
import type { Finding } from '../../../src/core/finding.js';
import { withLimits, type Limits } from '../../../src/core/limits.js';
import { ScanContext } from '../../../src/engine/index.js';
import { readZip } from '../../../src/formats/zip/parse.js';

export const FIXTURES = 'test/fixtures/keras';
export const fixture = (name: string): string => `${FIXTURES}/${name}`;

/** A fresh context for one target, with its findings. */
export function context(target: string, limits: Partial<Limits> = {}): { ctx: ScanContext; findings: Finding[] } {
  const findings: Finding[] = [];
  return { ctx: new ScanContext(target, withLimits(limits), findings, { decompressed: 0 }), findings };
}

/** The members of a `.keras` zip, as the zip handler would hand them over. */
export function kerasMembers(path: string): Map<string, Buffer> {
  const source: ByteSource = new BufferSource(readFileSync(path));
  const out = new Map<string, Buffer>();
  for (const entry of readZip(source, withLimits()).entries) {
    const raw = source.read(entry.dataOffset!, entry.compressedSize);
    out.set(entry.name, entry.method === 8 ? inflateRawSync(raw) : Buffer.from(raw));
  }
  return out;
}

/** The rule ids and severities of findings, for compact assertions. */
export const summary = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.ruleId} ${f.severity}${f.fatal ? ` fatal ${f.code}` : ''}`);
