import { BufferSource } from '../../../src/core/byte-source.js';
import type { Finding } from '../../../src/core/finding.js';
import { withLimits, type Limits } from '../../../src/core/limits.js';
import { ScanContext } from '../../../src/engine/index.js';
import { scanNotebook } from '../../../src/engine/handlers/notebook.js';
import { scanPython } from '../../../src/engine/handlers/python.js';
import type { PythonModule } from '../../../src/formats/python/model.js';
import { parsePython } from '../../../src/formats/python/parse.js';
import { decodeSource, plainLocator } from '../../../src/formats/python/source.js';

/** The model of Python source text, positions as in a file of that text's UTF-8 bytes. */
export function model(code: string | Buffer): PythonModule {
  const decoded = decodeSource(typeof code === 'string' ? Buffer.from(code, 'utf8') : code);
  return parsePython(decoded.text, { locate: plainLocator(decoded) });
}

export interface Scanned {
  format: string;
  findings: Finding[];
}

export interface ScanOptions {
  name?: string;
  limits?: Partial<Limits>;
  depth?: number;
}

function context(options: ScanOptions, findings: Finding[]): ScanContext {
  return new ScanContext(options.name ?? 'script.py', withLimits(options.limits), findings, { decompressed: 0 }, options.depth ?? 0);
}

/** Scans Python source through the handler, as the engine would. */
export function scanSource(code: string | Buffer, options: ScanOptions = {}): Scanned {
  const findings: Finding[] = [];
  const bytes = typeof code === 'string' ? Buffer.from(code, 'utf8') : code;
  const format = scanPython(new BufferSource(bytes), context(options, findings));
  return { format, findings };
}

/** Scans a notebook document through the handler, as the engine would. */
export function scanNotebookDoc(doc: unknown, options: ScanOptions = {}): Scanned {
  const findings: Finding[] = [];
  const bytes = Buffer.from(JSON.stringify(doc) ?? 'null');
  const format = scanNotebook(doc, new BufferSource(bytes), context({ name: 'notebook.ipynb', ...options }, findings));
  return { format, findings };
}

/** `ruleId severity target` of each finding, for compact assertions. */
export function summary(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.severity} ${f.target}`);
}
