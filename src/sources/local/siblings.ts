import { lstatSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Siblings } from '../../core/artifact.js';

/** Regular files beside `diskPath`, by plain name; nothing that leaves the folder. */
export function siblingsOf(diskPath: string): Siblings {
  return (name) => {
    if (name === '' || name.includes('/') || name.includes('\\') || name === '.' || name === '..') return undefined;
    const path = join(dirname(diskPath), name);
    try {
      const st = lstatSync(path);
      return st.isFile() ? { name, size: st.size, read: () => readFileSync(path) } : undefined;
    } catch {
      return undefined;
    }
  };
}
