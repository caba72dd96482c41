import { crc32 } from 'node:zlib';
import { BufferSource, SliceSource, type ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { MALFORMED_CONTAINER, ZIP_DIFFERENTIAL } from '../../detectors/container/index.js';
import type { PickleStream } from '../../formats/pickle/model.js';
import { storageId } from '../../formats/torch/persistent-id.js';
import { isTorchScriptCode } from '../../formats/torch/torchscript.js';
import { exportTensorMembers, isExportWeightsConfig, isTorchDataPickle, storageMemberKey } from '../../formats/torch/zip.js';
import { decompressMember, METHOD_STORED } from '../../formats/zip/decompress.js';
import type { ZipEntry } from '../../formats/zip/model.js';
import { readZip } from '../../formats/zip/parse.js';
import { entryBreak, entryRefusals } from '../../formats/zip/refusals.js';
import type { ScanContext } from '../context.js';
import { sniff } from '../sniff.js';
import { scanKerasArchive } from './keras.js';
import { scanPickle } from './pickle.js';
import { scanTorchScriptCode } from './torchscript.js';
import { scanUnpickled } from './unpickled.js';

/** Members loaders unpickle: torch's `data.pkl` in any folder, TorchScript's `constants.pkl`, any `.pkl`. */
function isPickleName(name: string | undefined): boolean {
  return name !== undefined && /\.pkl$/i.test(name);
}

/** Largest Keras config.json/metadata.json read; real ones are kilobytes. */
const KERAS_JSON_BYTES = 64 * 1024 * 1024;

/** Largest member whose CRC is checked; bigger ones are tensor data, not read at all. */
const CRC_CHECK_BYTES = 64 * 1024 * 1024;

/** Storage keys a torch pickle references: persistent ids `('storage', cls, key, location, numel)`. */
function storageKeys(streams: PickleStream[], into: Set<string>): void {
  for (const s of streams) {
    for (const { pid } of s.persistentIds) {
      const id = storageId(pid);
      if (id) into.add(id.key);
    }
  }
}

/**
 * The bytes of an entry as a loader would read them: stored bytes in place; deflate, bzip2 and
 * LZMA (the methods Python's zipfile reads) decompressed within the file's budget.
 */
function memberSource(source: ByteSource, entry: ZipEntry, ctx: ScanContext): ByteSource {
  const broken = entryBreak(entry, source.size);
  if (broken) throw broken;
  const dataOffset = entry.dataOffset!;
  if (entry.method === METHOD_STORED) return new SliceSource(source, dataOffset, entry.compressedSize);
  if (entry.compressedSize > ctx.limits.maxMemberBytes) throw new ModelgateError('LIMIT_MEMBER_BYTES', `compressed member of ${entry.compressedSize} bytes`);
  const out = decompressMember(source.read(dataOffset, entry.compressedSize), entry, ctx.decompressionRoom());
  ctx.chargeDecompressed(out.length, entry.compressedSize);
  return new BufferSource(out);
}

/**
 * Reports, as fatal findings, what makes loaders refuse an entry whose bytes are still read
 * (flags, names, sizes that disagree: see entryRefusals), and with the bytes in hand, a length
 * or CRC-32 other than declared, which zipfile and miniz both check on every read: a file
 * damaged anywhere in a member's bytes is then never clean. Members past the CRC limit are not
 * checked (they are tensor data, read in place).
 */
function reportRefusals(entry: ZipEntry, data: ByteSource | undefined, ctx: ScanContext): void {
  const refusals = entryRefusals(entry, ctx.limits);
  if (data && entry.origin === 'central' && refusals.length === 0) {
    const at = { offset: entry.localOffset };
    if (data.size !== entry.uncompressedSize) {
      refusals.push(new ModelgateError('MALFORMED', `it declares ${entry.uncompressedSize} uncompressed bytes but holds ${data.size}`, at));
    } else if (data.size <= CRC_CHECK_BYTES) {
      const actual = crc32(data.read(0, data.size)) >>> 0;
      if (actual !== entry.crc32 >>> 0)
        refusals.push(new ModelgateError('MALFORMED', `its CRC-32 is 0x${actual.toString(16)}, not the declared 0x${(entry.crc32 >>> 0).toString(16)}`, at));
    }
  }
  for (const refusal of refusals) ctx.fatal(refusal, `zip entry ${JSON.stringify(entry.name)} does not load`);
}

/**
 * Reports what readers see differently in an entry (info): found by a local-header walk only,
 * or local flags that differ from the directory's. What loaders refuse outright is fatal
 * instead (reportRefusals), and the bytes are read either way.
 */
function reportDifferentials(entry: ZipEntry, data: ByteSource | undefined, ctx: ScanContext): void {
  const notes: string[] = [];
  if (entry.origin === 'local-only') notes.push('it is found only by walking local headers, not in the central directory');
  const localOnly = (entry.localFlags ?? 0) & ~entry.flags;
  if (localOnly & 1) notes.push('its local header claims encryption, the central directory does not: its bytes were read as plain');
  if (entry.localFlags !== undefined) notes.push(`local flags 0x${entry.localFlags.toString(16)} differ from central 0x${entry.flags.toString(16)}`);
  reportRefusals(entry, data, ctx);
  if (notes.length === 0) return;
  ctx.report(ZIP_DIFFERENTIAL, { message: `zip entry ${JSON.stringify(entry.name)}: ${notes.join('; ')}`, location: { offset: entry.localOffset } });
}

/**
 * torch.load (and torch.jit.load) read the storage `key` of a `<folder>/data.pkl` from the
 * member `<folder>/data/<key>` while unpickling: a key with no such member makes the load fail,
 * so the checkpoint is damaged (cut, or members dropped).
 */
function reportMissingStorages(pickleName: string, streams: PickleStream[], entries: readonly ZipEntry[], ctx: ScanContext): void {
  const keys = new Set<string>();
  storageKeys(streams, keys);
  const folder = pickleName.slice(0, pickleName.length - 'data.pkl'.length);
  const names = new Set(entries.map((e) => e.name));
  const missing = [...keys].filter((key) => !names.has(`${folder}data/${key}`));
  if (missing.length === 0) return;
  const listed = missing.slice(0, 5).map((key) => `${folder}data/${key}`);
  const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
  ctx.fatal(new ModelgateError('TRUNCATED', `it references storages the archive does not hold: ${listed.join(', ')}${more}`), 'torch checkpoint does not load');
}

/** Largest torch.export config read to learn which members are raw tensor bytes. */
const EXPORT_CONFIG_BYTES = 16 * 1024 * 1024;

/** Members that a `torch.export` archive's weights and constants configs name as raw tensor files. */
function exportTensorFiles(entries: readonly ZipEntry[], source: ByteSource, ctx: ScanContext): Set<string> {
  const names = new Set<string>();
  for (const entry of entries) {
    if (!isExportWeightsConfig(entry.name) || entry.uncompressedSize > EXPORT_CONFIG_BYTES) continue;
    try {
      const data = memberSource(source, entry, ctx.member(entry.name));
      for (const name of exportTensorMembers(entry.name, JSON.parse(data.read(0, data.size).toString('utf8'))) ?? []) names.add(name);
    } catch {
      // An unreadable config names nothing: its members are then read for what they are.
    }
  }
  return names;
}

/**
 * Scans a zip (PyTorch checkpoint, npz, .keras, plain archive). Members loaders unpickle are
 * parsed as pickles whatever happens; tensor storages a checkpoint pickle references are never
 * read; every other member is sniffed, and scanned when it is a known format or a complete
 * pickle stream.
 */
export function scanZip(source: ByteSource, ctx: ScanContext): string {
  const archive = readZip(source, ctx.limits);
  for (const problem of archive.problems) ctx.report(ZIP_DIFFERENTIAL, { message: `zip structure: ${problem}` });
  if (archive.centralBreak) {
    ctx.report(MALFORMED_CONTAINER, { message: `zip structure: ${archive.centralBreak}`, fatal: true, code: 'MALFORMED' });
  }
  const storages = new Set<string>();
  const done = new Set<ZipEntry>();
  let torch = false;

  // Pass 1: the pickles, whose persistent ids say which members are raw tensor storage.
  for (const entry of archive.entries) {
    if (!isPickleName(entry.name) && !isPickleName(entry.localName)) continue;
    done.add(entry);
    const mctx = ctx.member(entry.name);
    try {
      const data = memberSource(source, entry, mctx);
      reportDifferentials(entry, data, mctx);
      const streams: PickleStream[] = [];
      // Loaders unpickle these by name: bytes that are no pickle at all are a damaged file.
      scanUnpickled(data, mctx, 'pickle member', { onStreams: (s) => streams.push(...s) });
      storageKeys(streams, storages);
      if (isTorchDataPickle(entry.name)) {
        torch = true;
        reportMissingStorages(entry.name, streams, archive.entries, mctx);
      }
    } catch (e) {
      reportDifferentials(entry, undefined, mctx);
      mctx.fatal(e, 'zip member could not be read');
    }
  }
  // A Keras 3 archive: config.json and metadata.json at the root describe the model; the
  // weights file is scanned below like any member.
  const root = new Map(archive.entries.filter((e) => !e.name.includes('/')).map((e) => [e.name, e]));
  const kerasConfig = root.get('config.json');
  let keras = false;
  if (kerasConfig && (root.has('metadata.json') || root.has('model.weights.h5'))) {
    keras = true;
    const files: { config?: Buffer; metadata?: Buffer } = {};
    for (const [key, name] of [
      ['config', 'config.json'],
      ['metadata', 'metadata.json'],
    ] as const) {
      const entry = root.get(name);
      if (!entry) continue;
      done.add(entry);
      try {
        const data = memberSource(source, entry, ctx.member(name));
        reportDifferentials(entry, data, ctx.member(name));
        if (data.size > KERAS_JSON_BYTES) throw new ModelgateError('LIMIT_MEMBER_BYTES', `${name} of ${data.size} bytes`);
        files[key] = data.read(0, data.size);
      } catch (e) {
        ctx.member(name).fatal(e, 'zip member could not be read');
      }
    }
    scanKerasArchive(files, ctx);
  }
  const rawTensors = exportTensorFiles(archive.entries, source, ctx);
  // Pass 2: everything else.
  let allNpy = archive.entries.length > 0;
  for (const entry of archive.entries) {
    if (done.has(entry)) continue;
    if (entry.name.endsWith('/') && entry.compressedSize === 0) continue;
    if (!/\.npy$/i.test(entry.name)) allNpy = false;
    const key = storageMemberKey(entry.name);
    const mctx = ctx.member(entry.name);
    if (key !== undefined && storages.has(key)) {
      // Raw tensor bytes, never parsed; but torch must still be able to read them.
      const broken = entryBreak(entry, source.size);
      if (broken) mctx.fatal(broken, 'tensor storage member could not be read');
      else reportRefusals(entry, undefined, mctx);
      continue;
    }
    try {
      const data = memberSource(source, entry, mctx);
      reportDifferentials(entry, entry.method === 0 && data.size > CRC_CHECK_BYTES ? undefined : data, mctx);
      // TorchScript source the C++ loader compiles: its own rules, then read like any member.
      if (isTorchScriptCode(entry.name)) scanTorchScriptCode(data, mctx);
      const head = data.read(0, 512);
      const kind = sniff(head, data.size);
      // No loader unpickles these members: a pickle counts only when complete to its end.
      if (kind === 'pickle') scanPickle(data, mctx, { probe: true });
      else if (kind !== 'unknown') mctx.scan(data);
      // Anything else is read for what it is (text, a config, a module, compiled code), and is
      // never passed over unread, unless the archive's own config names it raw tensor bytes.
      else if (scanPickle(data, mctx, { probe: true }) === undefined && !rawTensors.has(entry.name)) mctx.scan(data);
    } catch (e) {
      reportDifferentials(entry, undefined, mctx);
      mctx.fatal(e, 'zip member could not be read');
    }
  }
  for (const defect of archive.defects) ctx.report(MALFORMED_CONTAINER, { message: `zip structure: ${defect}`, fatal: true, code: 'MALFORMED' });
  if (torch) return 'pytorch-zip';
  if (keras) return 'keras-v3';
  return allNpy ? 'npz' : 'zip';
}
