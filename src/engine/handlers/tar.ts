import { ByteReader } from '../../core/byte-reader.js';
import { SliceSource, type ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { ScanContext } from '../context.js';
import { parsePickleStream } from '../../formats/pickle/parse.js';
import { parseTarHeaders, type TarEntry } from '../../formats/tar/parse.js';
import { scanPickle } from './pickle.js';
import { scanTorchTarMember, TORCH_TAR_MEMBERS } from './torch-tar.js';

/** Links followed to find a member's data; tarfile follows chains, a loop must end. */
const MAX_LINK_HOPS = 8;

/** posixpath.normpath, which tarfile's `getmember` applies to both names it compares. */
function normpath(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  const joined = parts.join('/');
  const lead = absolute ? (path.startsWith('//') && !path.startsWith('///') ? '//' : '/') : '';
  return lead + joined || (absolute ? lead : '.');
}

/**
 * The regular member whose data tarfile hands out for `start`, one of `entries` (tarfile.py
 * `_find_link_target`): a hard link names an earlier member, a symbolic link a path beside it.
 */
function resolveLink(entries: readonly TarEntry[], start: TarEntry): TarEntry {
  let entry = start;
  for (let hops = 0; entry.type === 'link' && entry.link; hops++) {
    if (hops >= MAX_LINK_HOPS) throw new ModelgateError('MALFORMED', `tar link ${entry.name} is a chain of over ${MAX_LINK_HOPS} links`);
    const { name, kind } = entry.link;
    const dir = entry.name.includes('/') ? entry.name.slice(0, entry.name.lastIndexOf('/')) : '';
    const target = normpath(kind === 'symbolic' ? [dir, name].filter(Boolean).join('/') : name);
    const limit = kind === 'hard' ? entries.indexOf(entry) : entries.length;
    const found = entries
      .slice(0, limit)
      .reverse()
      .find((e) => normpath(e.name) === target);
    if (!found) throw new ModelgateError('UNSUPPORTED', `tar link ${entry.name} points at ${name}, which is not in the archive`);
    entry = found;
  }
  return entry;
}

/** A tar's first header may also read as a pickle, which pickle.load would run: judge it too. */
function scanLeadingPickle(source: ByteSource, ctx: ScanContext): void {
  const first = parsePickleStream(new ByteReader(source), { limits: ctx.limits });
  const proto = source.read(0, 1)[0] === 0x80;
  if (proto || first.imports.length + first.calls.length + first.dynamicImports.length > 0) scanPickle(source, ctx);
}

/**
 * Scans a tar archive, each regular member in place, never copied. A tar with a `storages`
 * member is a torch tar checkpoint (torch/serialization.py `legacy_load`, torch <= 0.3): its
 * `storages`, `tensors` and `pickle` members, links to them followed, are walked as torch
 * reads them; any other member is scanned as whatever it is.
 */
export function scanTar(source: ByteSource, ctx: ScanContext): string {
  scanLeadingPickle(source, ctx);
  const { entries, error } = parseTarHeaders(source, ctx.limits);
  const torch = entries.some((e) => normpath(e.name) === 'storages');
  const names = new Set<string>();
  entries.forEach((entry) => {
    const member = normpath(entry.name);
    const torchMember = torch && TORCH_TAR_MEMBERS.includes(member);
    if (entry.type !== 'file' && !(torchMember && entry.type === 'link')) return;
    names.add(member);
    const memberCtx = ctx.member(entry.name);
    let data: TarEntry;
    try {
      data = resolveLink(entries, entry);
    } catch (e) {
      memberCtx.fatal(e, 'tar link');
      return;
    }
    const slice = new SliceSource(source, data.dataOffset, data.size);
    if (!torchMember) {
      memberCtx.scan(slice);
      return;
    }
    if (scanTorchTarMember(member, slice, memberCtx)) return;
    // legacy_load unpickles this member first thing: bytes that are no pickle make the load
    // fail, so the checkpoint is damaged. They are still read for whatever else they are.
    memberCtx.fatal(new ModelgateError(slice.size === 0 ? 'TRUNCATED' : 'MALFORMED', 'it does not begin with a pickle'), `torch tar member ${member}`);
    memberCtx.scan(slice);
  });
  if (error) ctx.fatal(error, 'tar archive');
  // legacy_load extracts each of these members by name: without one, torch.load fails.
  const missing = torch && !error ? TORCH_TAR_MEMBERS.filter((m) => !names.has(m)) : [];
  if (missing.length > 0) ctx.fatal(new ModelgateError('TRUNCATED', `it has no ${missing.join(' or ')} member`), 'torch tar checkpoint');
  return names.has('pickle') && torch ? 'pytorch-tar' : 'tar';
}
