import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ModelgateError } from '../../core/errors.js';
import type { Finding } from '../../core/finding.js';
import type { HubSnapshot } from './api.js';
import type { HubSession } from './session.js';

/** A repo path that stays inside the folder it is written to: no `..`, no absolute path. */
function safeRelative(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !path.includes('\\') && path.split('/').every((p) => p !== '' && p !== '.' && p !== '..');
}

/**
 * Writes every file of a snapshot into `dest` as plain files, each downloaded whole and
 * verified against the Hub's hashes (from the cache when it holds them), for checks that need
 * the whole tree on disk, such as a signature over every file. Returns the hash mismatches.
 */
export async function checkoutSnapshot(session: HubSession, snap: HubSnapshot, dest: string): Promise<Finding[]> {
  const problems: Finding[] = [];
  for (const file of snap.files) {
    if (!safeRelative(file.path))
      throw new ModelgateError('MALFORMED', `hf:${snap.repo}: the listing names a file outside the repo: ${JSON.stringify(file.path)}`);
    const out = join(dest, file.path);
    mkdirSync(dirname(out), { recursive: true });
    const opened = await session.open(snap, file, true);
    try {
      problems.push(...opened.problems);
      if (opened.source.path !== undefined) copyFileSync(opened.source.path, out);
      else writeFileSync(out, opened.source.read(0, opened.source.size));
    } finally {
      opened.close();
    }
  }
  return problems;
}
