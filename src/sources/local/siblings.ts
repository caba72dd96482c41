import { closeSync, constants, lstatSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Siblings } from '../../core/artifact.js';
import { blobOfLink } from './hf-cache.js';

/** A file's bytes, refusing a link put in its place. */
function readNoFollow(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Regular files beside `diskPath`, by plain name; nothing that leaves the folder but a cache snapshot's link to its blob. */
export function siblingsOf(diskPath: string): Siblings {
  return (name) => {
    if (name === '' || name.includes('/') || name.includes('\\') || name === '.' || name === '..') return undefined;
    const path = join(dirname(diskPath), name);
    try {
      const st = lstatSync(path);
      if (st.isFile()) return { name, size: st.size, read: () => readFileSync(path) };
      // In a Hugging Face cache snapshot, a neighbour is a link into the entry's blobs (hf-cache.ts).
      const blob = st.isSymbolicLink() ? blobOfLink(path) : undefined;
      return blob && { name, size: blob.size, read: () => readNoFollow(blob.blobPath) };
    } catch {
      return undefined;
    }
  };
}
