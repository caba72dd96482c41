import { ModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import type { ZipEntry } from './model.js';

// General-purpose flag bits (APPNOTE 4.4.4) that Python's zipfile and miniz (PyTorch) refuse.
const FLAG_ENCRYPTED = 0x1;
const FLAG_PATCHED_DATA = 0x20;
const FLAG_STRONG_ENCRYPTION = 0x40;
/** Local header values masked by central directory encryption (APPNOTE 4.4.4 bit 13). */
const FLAG_MASKED_HEADERS = 0x2000;

/** zipfile.py MAX_EXTRACT_VERSION: a higher "version needed to extract" is NotImplementedError. */
const MAX_EXTRACT_VERSION = 63;

/** Compression methods a Python loader reads (zipfile: stored, deflate, bzip2, LZMA). */
const READABLE_METHODS = new Set([0, 8, 12, 14]);

/**
 * Why loaders refuse an entry whose bytes can still be had: CPython's `ZipFile.open` and
 * miniz's extract functions check the central directory's flags (encryption without a
 * password, strong encryption, patched data); zipfile compares the local header's name with
 * the directory's; miniz refuses a stored entry whose two sizes differ; and a declared size
 * past the member limit is one no loader holds in memory (miniz allocates it up front). Each
 * makes the file one that does not load, so the scan reports it as fatal and still reads the
 * bytes for what they hold. Empty when loaders read the entry.
 */
export function entryRefusals(entry: ZipEntry, limits: Limits): ModelgateError[] {
  const out: ModelgateError[] = [];
  const at = { offset: entry.localOffset };
  if (entry.flags & FLAG_ENCRYPTED)
    out.push(new ModelgateError('ENCRYPTED', 'the entry is flagged as encrypted: loaders want a password and read nothing', at));
  if (entry.flags & FLAG_STRONG_ENCRYPTION)
    out.push(new ModelgateError('ENCRYPTED', 'the entry is flagged as strongly encrypted, which zipfile and miniz do not read', at));
  if (entry.flags & FLAG_MASKED_HEADERS)
    out.push(new ModelgateError('ENCRYPTED', 'the entry is flagged as having masked local header values (central directory encryption)', at));
  if ((entry.versionNeeded ?? 0) > MAX_EXTRACT_VERSION)
    out.push(
      new ModelgateError(
        'UNSUPPORTED',
        `it needs zip version ${(entry.versionNeeded! / 10).toFixed(1)} to extract, past the ${MAX_EXTRACT_VERSION / 10} zipfile reads`,
        at,
      ),
    );
  if ((entry.diskStart ?? 0) !== 0)
    out.push(new ModelgateError('UNSUPPORTED', `it starts on disk ${entry.diskStart} of a spanned archive, which loaders do not read`, at));
  if (entry.flags & FLAG_PATCHED_DATA)
    out.push(new ModelgateError('UNSUPPORTED', 'the entry is flagged as patched data, which zipfile and miniz do not read', at));
  if (entry.localName !== undefined && entry.localName !== entry.name)
    out.push(new ModelgateError('MALFORMED', `its local header names it ${JSON.stringify(entry.localName)}, and zipfile refuses a name that differs`, at));
  if (entry.method === 0 && entry.compressedSize !== entry.uncompressedSize)
    out.push(new ModelgateError('MALFORMED', `it is stored, yet declares ${entry.compressedSize} bytes stored and ${entry.uncompressedSize} uncompressed`, at));
  if (entry.method !== 0 && entry.uncompressedSize > limits.maxMemberBytes)
    out.push(
      new ModelgateError(
        'LIMIT_MEMBER_BYTES',
        `it declares ${entry.uncompressedSize} uncompressed bytes, over the ${limits.maxMemberBytes}-byte member limit`,
        at,
      ),
    );
  return out;
}

/**
 * Why the bytes of an entry cannot be had at all: no readable local header, data past the end
 * of the file, or a compression method no Python loader reads. Undefined when they can.
 */
export function entryBreak(entry: ZipEntry, fileSize: number): ModelgateError | undefined {
  if (entry.dataOffset === undefined)
    return new ModelgateError('MALFORMED', `local header unreadable: ${entry.localError ?? '?'}`, { offset: entry.localOffset });
  if (entry.dataOffset + entry.compressedSize > fileSize)
    return new ModelgateError('TRUNCATED', 'entry data runs past the end of the file', { offset: entry.dataOffset });
  if (!READABLE_METHODS.has(entry.method))
    return new ModelgateError('UNSUPPORTED', `compression method ${entry.method} is not supported`, { offset: entry.localOffset });
  return undefined;
}

/**
 * Entries of one central directory whose data runs into the next local header (or into the
 * directory): CPython's zipfile refuses such "overlapped entries" as a possible zip bomb
 * (gh-109858, in 3.12.1 and 3.11.8 on, and backported by distributions), and no writer makes
 * them. Entries whose local header cannot be read are left to entryBreak.
 */
export function overlappingEntries(entries: readonly ZipEntry[], directoryStart: number): string[] {
  const sorted = entries.filter((e) => e.dataOffset !== undefined).sort((a, b) => a.localOffset - b.localOffset);
  const out: string[] = [];
  sorted.forEach((entry, i) => {
    const end = sorted[i + 1]?.localOffset ?? directoryStart;
    if (entry.dataOffset! + entry.compressedSize > end)
      out.push(`${JSON.stringify(entry.name)} at ${entry.localOffset} runs to ${entry.dataOffset! + entry.compressedSize}, past the next structure at ${end}`);
  });
  return out;
}
