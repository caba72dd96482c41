import { isZfileHead } from '../formats/joblib/zfile.js';
import { isBrokenSafetensors, isSafetensors } from '../formats/safetensors/parse.js';
import { isTarHeader } from '../formats/tar/parse.js';
import { isZipHead } from '../formats/zip/parse.js';

/** What the first bytes of content say it is. `pickle-weak`: starts with a protocol-0/1 opcode. */
export type Sniffed =
  'zip' | '7z' | 'gzip' | 'bz2' | 'xz' | 'zstd' | 'lz4' | 'zf' | 'zlib' | 'lzma' | 'npy' | 'tar' | 'pickle' | 'hdf5' | 'gguf' | 'safetensors' | 'unknown';

const starts = (head: Buffer, bytes: number[]): boolean => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

/** bzip2's fourth byte: the block size, '1' to '9' (absent when the head is only "BZh"). */
const isBlockSizeDigit = (byte: number | undefined): boolean => byte !== undefined && byte >= 0x31 && byte <= 0x39;

/**
 * Detects a format from its leading bytes (magic numbers and structure), never from a name.
 * Magic numbers: zip APPNOTE 4.3.7; 7z 7zFormat.txt; gzip RFC 1952; bzip2 "BZh"; xz spec
 * 2.1.1.1; zstd RFC 8878; LZ4 frame format 1.6.4; joblib's `ZF` + hex length; zlib RFC 1950 (CMF/FLG check); lzma-alone props 0x5D; numpy
 * NEP 1 format; a tar header checksum (Lib/tarfile.py; V7 tars have no magic) or POSIX ustar
 * at offset 257; HDF5 superblock; GGUF spec; safetensors README.
 */
export function sniff(head: Buffer, size: number): Sniffed {
  if (isZipHead(head)) return 'zip';
  if (starts(head, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return '7z';
  if (starts(head, [0x1f, 0x8b])) return 'gzip';
  if (starts(head, [0x42, 0x5a, 0x68]) && isBlockSizeDigit(head[3])) return 'bz2';
  if (starts(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (starts(head, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  // joblib's prefixes (joblib/compressor.py): an LZ4 frame, and the Z-file of joblib < 0.10.
  if (starts(head, [0x04, 0x22, 0x4d, 0x18])) return 'lz4';
  if (isZfileHead(head)) return 'zf';
  if (starts(head, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return 'npy';
  // torch.load tries tar before pickle; the tar handler still reads a pickle at offset 0.
  if (isTarHeader(head)) return 'tar';
  if (head.length >= 2 && head[0] === 0x80 && head[1]! <= 5) return 'pickle';
  if (starts(head, [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])) return 'hdf5';
  if (starts(head, [0x47, 0x47, 0x55, 0x46])) return 'gguf';
  // A ustar magic with a bad checksum is still a tar, and a broken one: read it to fail closed.
  if (head.length >= 263 && head.toString('latin1', 257, 262) === 'ustar') return 'tar';
  // safetensors is recognised by structure (a header length that fits the file, then JSON),
  // which is far stronger than the two- and three-byte magics below: 66 header lengths under
  // 64 KiB begin like a zlib stream (the dispatcher still tries that reading as well).
  if (isSafetensors(head, size) || isBrokenSafetensors(head)) return 'safetensors';
  return weakMagic(head) ?? 'unknown';
}

/**
 * A magic of two or three bytes that ordinary content also begins with: zlib (RFC 1950's
 * CMF/FLG check: `x ` and `x^` at the start of a text pass it) and lzma-alone as joblib
 * recognises it (compressor.py `_LZMA_PREFIX`: properties byte 0x5D, then a first dictionary
 * size byte of 0, whatever the rest of the dictionary size, which liblzma does not restrict).
 */
export function weakMagic(head: Buffer): 'zlib' | 'lzma' | undefined {
  if (head.length >= 2 && (head[0]! & 0x0f) === 8 && head[0]! >> 4 <= 7 && ((head[0]! << 8) | head[1]!) % 31 === 0) return 'zlib';
  if (head.length >= 13 && head[0] === 0x5d && head[1] === 0) return 'lzma';
  return undefined;
}

const isBinaryControl = (byte: number): boolean => byte < 0x20 && !(byte >= 0x09 && byte <= 0x0d) && byte !== 0x1b;

/**
 * The one text-versus-binary decision for content of no model format: `empty`, `json`, `text`,
 * or `other` for binary content (NUL or other control bytes, or invalid UTF-8), which is then recognised as inert
 * by its bytes (src/formats/inert/) or reported not read (src/engine/handlers/binary.ts).
 */
export function classifyOther(head: Buffer): 'empty' | 'json' | 'text' | 'other' {
  if (head.length === 0) return 'empty';
  // NUL and the C0 controls text never holds (all but tab, line feed, vertical tab, form feed,
  // carriage return and escape) mark binary: a small protobuf may be nothing but such bytes.
  if (head.some(isBinaryControl)) return 'other';
  const text = head.toString('utf8');
  if (text.includes('\ufffd') && !head.toString('latin1').includes('\ufffd')) {
    // A multi-byte character cut at the end of the head is not a reason to call it binary.
    const trimmed = head.subarray(0, Math.max(0, head.length - 3)).toString('utf8');
    if (trimmed.includes('\ufffd')) return 'other';
  }
  const first = text.trimStart()[0];
  return first === '{' || first === '[' ? 'json' : 'text';
}
