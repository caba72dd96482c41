import type { ArtifactEntry, OpenedEntry, Siblings } from '../core/artifact.js';
import type { ByteSource } from '../core/byte-source.js';
import { ModelgateError } from '../core/errors.js';
import { type Finding, verdictOf } from '../core/finding.js';
import type { Limits } from '../core/limits.js';
import type { FileResult } from '../core/report-types.js';
import { SPECIAL_FILE, SYMLINK, UNREADABLE_FILE } from '../detectors/container/index.js';
import { ScanContext, type ScanObserver } from './context.js';
import { dispatch } from './dispatch.js';

/**
 * Scans the bytes of one file (on disk, in memory or remote) into `findings`; returns the
 * format. Handlers turn bad input into findings; an error reaching here is an I/O failure, and
 * becomes a fatal finding too.
 */
export function scanSource(path: string, source: ByteSource, limits: Limits, findings: Finding[], observer?: ScanObserver, sibling?: Siblings): string {
  const ctx = new ScanContext(path, limits, findings, { decompressed: 0 }, 0, observer, sibling, dispatch);
  try {
    return dispatch(source, ctx);
  } catch (e) {
    ctx.fatal(e instanceof ModelgateError ? e : new ModelgateError('UNREADABLE', (e as Error).message, { cause: e }), 'file could not be read');
    return 'unreadable';
  }
}

/** Why a file entry's bytes could not be had: the words for the report and the error code. */
export interface OpenFailure {
  message: string;
  code: string;
}

/**
 * The result of one artifact entry: links and special files are reported without being read,
 * a file is scanned from its opened bytes (with any problem found opening it), and a file that
 * could not be opened is an error. The kernel's unit of work: synchronous, no I/O of its own
 * beyond the source's reads.
 */
export function scanEntry(entry: ArtifactEntry, opened: OpenedEntry | OpenFailure | undefined, limits: Limits, observer?: ScanObserver): FileResult {
  const findings: Finding[] = [];
  const ctx = new ScanContext(entry.path, limits, findings, { decompressed: 0 }, 0, undefined, undefined, dispatch);
  let format: string;
  if (entry.kind === 'symlink') {
    format = 'symlink';
    ctx.report(SYMLINK, {
      severity: entry.escapes ? 'medium' : 'info',
      message: `symbolic link to ${entry.linkTarget}${entry.linkNote ?? (entry.escapes ? ', outside the scanned target' : '')}; not followed`,
      evidence: entry.linkTarget,
    });
  } else if (entry.kind === 'special') {
    format = entry.special ?? 'special';
    ctx.report(SPECIAL_FILE, { message: `${format} is not a regular file and was not read`, fatal: true, code: 'SPECIAL_FILE' });
  } else if (entry.kind === 'unreadable') {
    format = 'unreadable';
    ctx.report(UNREADABLE_FILE, { message: `cannot read: ${entry.error}`, fatal: true, code: 'UNREADABLE' });
  } else if (opened === undefined || !('source' in opened)) {
    format = 'unreadable';
    ctx.report(UNREADABLE_FILE, { message: opened?.message ?? 'cannot read: not opened', fatal: true, code: opened?.code ?? 'UNREADABLE' });
  } else {
    findings.push(...opened.problems);
    format = scanSource(entry.path, opened.source, limits, findings, observer, opened.siblings);
  }
  return { path: entry.path, format, size: entry.size, verdict: verdictOf(findings), findings };
}
