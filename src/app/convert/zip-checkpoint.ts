import { ModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import type { PickleStream, PValue } from '../../formats/pickle/model.js';
import type { ZipEntry } from '../../formats/zip/model.js';
import { readZip } from '../../formats/zip/parse.js';
import { storageId } from '../../formats/torch/persistent-id.js';
import { isTorchDataPickle, TORCH_ZIP_RECORDS } from '../../formats/torch/zip.js';
import { checkConvertible } from './allowed.js';
import type { InputFile } from './input-file.js';
import type { NamedTensor, Storage } from './model.js';
import { flattenCheckpoint, storageType, type PersidTarget } from './rebuild.js';

/** Largest `byteorder` record read: it holds `little` or `big`. */
const BYTEORDER_BYTES = 16;

function unsupported(message: string): never {
  throw new ModelgateError('UNSUPPORTED', message);
}

/** The stored (uncompressed) bytes of a member, as a range of the file. */
function storedRange(entry: ZipEntry, input: InputFile): { start: number; size: number } {
  if (entry.dataOffset === undefined) throw new ModelgateError('MALFORMED', `zip member ${entry.name}: local header unreadable`);
  if (entry.method !== 0)
    unsupported(
      `zip member ${entry.name} is compressed (method ${entry.method}); torch.save stores members uncompressed, and compressed storages are not converted`,
    );
  if (entry.compressedSize !== entry.uncompressedSize) throw new ModelgateError('MALFORMED', `zip member ${entry.name}: stored sizes differ`);
  if (entry.dataOffset + entry.compressedSize > input.size) throw new ModelgateError('TRUNCATED', `zip member ${entry.name} runs past the end of the file`);
  return { start: entry.dataOffset, size: entry.compressedSize };
}

/**
 * The tensors of a torch.save zip (torch/serialization.py `_load`): one `<prefix>/data.pkl`
 * whose persistent ids `('storage', StorageClass, key, location, numel)` name the members
 * `<prefix>/data/<key>`, and a `byteorder` record that must say `little` (absent in files from
 * before torch 1.13, which were written little-endian). `streams` are the data.pkl streams
 * the scan read. Every other member must be one torch.save writes: a TorchScript archive
 * (code/, constants.pkl) is refused.
 */
export function readZipCheckpoint(input: InputFile, limits: Limits, streamsOf: (member: string) => PickleStream[] | undefined): NamedTensor[] {
  const archive = readZip(input.source, limits);
  if (archive.centralBreak) throw new ModelgateError('MALFORMED', `zip structure: ${archive.centralBreak}`);
  const local = archive.entries.find((e) => e.origin !== 'central' || (e.localName !== undefined && e.localName !== e.name));
  if (local) throw new ModelgateError('MALFORMED', `zip member ${local.name}: the central directory and local headers disagree`);
  const pickles = archive.entries.filter((e) => isTorchDataPickle(e.name));
  const [pickle] = pickles;
  if (pickles.length !== 1 || pickle === undefined) unsupported(`a torch.save zip has one data.pkl; this one has ${pickles.length}`);
  const prefix = pickle.name.slice(0, -'data.pkl'.length);
  const members = new Map<string, ZipEntry>();
  for (const entry of archive.entries) {
    if (members.has(entry.name)) throw new ModelgateError('MALFORMED', `zip member ${entry.name} appears twice`);
    members.set(entry.name, entry);
    const rest = entry.name.startsWith(prefix) ? entry.name.slice(prefix.length) : undefined;
    const known = rest !== undefined && (rest === 'data.pkl' || TORCH_ZIP_RECORDS.has(rest) || /^data\/[^/]+$/.test(rest));
    if (!known) unsupported(`zip member ${entry.name} is not part of a torch.save checkpoint (a TorchScript or other archive is not converted)`);
  }
  const byteorder = members.get(`${prefix}byteorder`);
  if (byteorder) {
    const { start, size } = storedRange(byteorder, input);
    const text = input.source.read(start, Math.min(size, BYTEORDER_BYTES)).toString('latin1');
    if (text !== 'little') unsupported(`the checkpoint's byteorder record says ${JSON.stringify(text)}: only little-endian checkpoints are converted`);
  }
  const streams = streamsOf(pickle.name);
  const stream = streams?.[0];
  if (!streams || streams.length !== 1 || stream?.result === undefined)
    throw new ModelgateError('MALFORMED', `${pickle.name} is not one complete pickle stream`);
  checkConvertible(stream, pickle.name);

  const storages = new Map<string, Storage>();
  const resolve = (pid: PValue): PersidTarget => {
    // persistent_load: ('storage', storage_type, key, location, numel)
    const id = storageId(pid);
    const [, , , location, numel] = id?.items ?? [];
    if (!id || id.items.length !== 5 || location?.k !== 'str') unsupported('a persistent id that is not a torch storage record');
    const key = id.key;
    if (numel?.k !== 'int' || typeof numel.v !== 'number' || numel.v < 0) unsupported(`storage ${key}: element count is not a small integer`);
    const type = storageType(id.storageClass);
    const bytes = numel.v * (type === 'untyped' ? 1 : type.size);
    let storage = storages.get(key);
    if (!storage) {
      const entry = members.get(`${prefix}data/${key}`);
      if (!entry) throw new ModelgateError('MALFORMED', `storage ${key} has no member ${prefix}data/${key}`);
      const range = storedRange(entry, input);
      if (range.size < bytes) throw new ModelgateError('MALFORMED', `storage ${key} declares ${bytes} bytes but its member holds ${range.size}`);
      storage = { key, start: range.start, size: bytes };
      storages.set(key, storage);
    } else if (storage.size !== bytes) {
      throw new ModelgateError('MALFORMED', `storage ${key} is declared with two sizes`);
    }
    return { kind: 'storage', storage, type };
  };
  return flattenCheckpoint(stream.result as PValue, resolve);
}
