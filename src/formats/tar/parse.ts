import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { BLOCK, checksums, field, tarNumber } from './header.js';
import { parsePax } from './pax.js';

export { isTarHeader } from './header.js';

export interface TarEntry {
  name: string;
  /** `other`: a device or fifo, which has no data. */
  type: 'file' | 'dir' | 'link' | 'other';
  size: number;
  dataOffset: number;
  /** Header offset, for findings. */
  offset?: number;
  /** Target of a hard (`hard`) or symbolic (`symbolic`) link. */
  link?: { name: string; kind: 'hard' | 'symbolic' };
}

/** Most bytes of a GNU long name or pax header read: names are short, pax records too. */
const MAX_META_BYTES = 1024 * 1024;

/** Lib/tarfile.py type flags with a meaning; any other is read as a regular file. */
const KNOWN_TYPES = new Set(['0', '\0', '1', '2', '3', '4', '5', '6', '7', 'L', 'K', 'S', 'x', 'g', 'X']);

/** What the next header inherits from GNU long-name/long-link and pax headers. */
interface Pending {
  name?: string;
  link?: string;
  size?: number;
}

/**
 * Reads tar headers the way Python's tarfile does (so the way torch.load does): POSIX ustar,
 * V7 (no magic), GNU long names and links, pax `path`, `linkpath` and `size`. A regular
 * member's data, and that of an unknown type (which tarfile extracts as a file), is stepped
 * over by its declared size; links, directories and devices have none, whatever their size
 * field says (tarfile.py `_proc_builtin`). Own code because tar is 512-byte blocks and a
 * scanner wants random access; the streaming libraries would copy every byte through.
 */
export function parseTarHeaders(source: ByteSource, limits: Limits): { entries: TarEntry[]; error?: ModelgateError } {
  const entries: TarEntry[] = [];
  let pos = 0;
  let pending: Pending = {};
  /** An all-zero block, the end-of-archive marker, was read. */
  let ended = false;
  try {
    while (pos + BLOCK <= source.size) {
      const block = source.read(pos, BLOCK);
      // An all-zero block ends the archive (tarfile's EOFHeaderError).
      if (block.every((b) => b === 0)) {
        if (Object.keys(pending).length > 0) throw new ModelgateError('TRUNCATED', `tar extended header before ${pos} has no member`, { offset: pos });
        ended = true;
        break;
      }
      if (!checksums(block).includes(tarNumber(block, 148, 8)))
        throw new ModelgateError('MALFORMED', `tar header at ${pos} has a bad checksum`, { offset: pos });
      const flag = String.fromCharCode(block[156]!);
      const isMeta = 'LKxgX'.includes(flag);
      // A pax size is the member's, never that of a further extended header.
      const size = (isMeta ? undefined : pending.size) ?? tarNumber(block, 124, 12);
      for (const [start, length] of [
        [100, 8],
        [108, 8],
        [116, 8],
        [136, 8],
        [329, 8],
        [337, 8],
      ] as const)
        tarNumber(block, start, length);
      if (size < 0) throw new ModelgateError('MALFORMED', `tar member at ${pos} has a negative size`, { offset: pos });
      const dataOffset = pos + BLOCK;
      const hasData = flag === '0' || flag === '\0' || flag === '7' || !KNOWN_TYPES.has(flag) || isMeta;
      if (hasData && dataOffset + size > source.size) throw new ModelgateError('TRUNCATED', `tar member at ${pos} runs past the end`, { offset: pos });
      const next = hasData ? dataOffset + Math.ceil(size / BLOCK) * BLOCK : dataOffset;
      if (flag === 'S') throw new ModelgateError('UNSUPPORTED', `tar member at ${pos} is a GNU sparse file`, { offset: pos });
      if (isMeta) {
        if (size > MAX_META_BYTES) throw new ModelgateError('LIMIT_STRING', `tar extended header at ${pos} is over ${MAX_META_BYTES} bytes`, { offset: pos });
        const data = source.read(dataOffset, size);
        if (flag === 'L' || flag === 'K') {
          const nul = data.indexOf(0);
          const text = data.subarray(0, nul < 0 ? data.length : nul).toString('utf8');
          // Headers wrap the ones after them and tarfile applies the outermost last: the first wins.
          if (flag === 'L') pending.name ??= text;
          else pending.link ??= text;
        } else if (flag === 'g') {
          // tarfile applies a global header's fields to every later member but steps over their
          // data by the header's own size: a reader cannot agree with that, so it is refused.
          if (Object.keys(parsePax(data, pos)).length > 0)
            throw new ModelgateError('UNSUPPORTED', `tar global pax header at ${pos} is not read`, { offset: pos });
        } else {
          const pax = parsePax(data, pos);
          if (Object.keys(pax).some((k) => k.startsWith('GNU.sparse')))
            throw new ModelgateError('UNSUPPORTED', `tar member after ${pos} is a GNU sparse file`, { offset: pos });
          if (pax.path !== undefined) pending.name ??= pax.path.replace(/\/+$/, '');
          if (pax.linkpath !== undefined) pending.link ??= pax.linkpath;
          // tarfile.py PAX_NUMBER_FIELDS: `int(value)`, and 0 when that fails.
          if (pax.size !== undefined) pending.size ??= /^\s*\+?\d(?:_?\d)*\s*$/.test(pax.size) ? Number(pax.size.replace(/[_\s+]/g, '')) : 0;
        }
        pos = next;
        continue;
      }
      if (entries.length >= limits.maxArchiveEntries) throw new ModelgateError('LIMIT_ENTRIES', `tar has more than ${limits.maxArchiveEntries} entries`);
      const prefix = field(block, 345, 155);
      const own = field(block, 0, 100);
      let name = pending.name ?? (prefix ? `${prefix}/${own}` : own);
      // V7 tars mark a directory by a trailing slash on a regular member (tarfile.py frombuf).
      const isDir = flag === '5' || (flag === '\0' && name.endsWith('/'));
      if (isDir) name = name.replace(/\/+$/, '');
      const linkName = pending.link ?? field(block, 157, 100);
      const type = isDir ? 'dir' : flag === '1' || flag === '2' ? 'link' : hasData ? 'file' : 'other';
      const entry: TarEntry = { name: name.replace(/^(\.\/)+/, ''), type, size: hasData ? size : 0, dataOffset, offset: pos };
      if (type === 'link') entry.link = { name: linkName, kind: flag === '1' ? 'hard' : 'symbolic' };
      entries.push(entry);
      pending = {};
      pos = next;
    }
    if (Object.keys(pending).length > 0) throw new ModelgateError('TRUNCATED', `tar extended header before ${pos} has no member`, { offset: pos });
    if (!ended) {
      // tarfile stops quietly at a header cut short or at the end of the file, but every tar
      // writer (tarfile, GNU tar, torch's legacy save) ends the archive with zero blocks:
      // without one, the file was cut, and members after the cut were lost unread.
      const why = pos < source.size ? `a header cut short at ${pos} (${source.size - pos} of ${BLOCK} bytes)` : 'no end-of-archive block after the last member';
      throw new ModelgateError('TRUNCATED', `tar archive ends with ${why}`, { offset: Math.min(pos, source.size) });
    }
    return { entries };
  } catch (e) {
    return { entries, error: e instanceof ModelgateError ? e : new ModelgateError('MALFORMED', String(e)) };
  }
}
