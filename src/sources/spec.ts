import type { EntrySpec, HubListing, Siblings, SourceSpec } from '../core/artifact.js';
import { BufferSource, type ByteSource } from '../core/byte-source.js';
import { ModelgateError } from '../core/errors.js';
import { hubSiblings } from './hf/listing.js';
import { RemoteSource, type FetchStats } from './hf/remote-source.js';
import type { SyncRequester } from './hf/transport.js';
import { FileSource } from './local/file-source.js';
import { siblingsOf } from './local/siblings.js';

/** The plain-data description of a source, when it has one (a file, bytes in memory, a remote file). */
export function specOf(source: ByteSource): SourceSpec | undefined {
  if (source instanceof FileSource) return { kind: 'file', path: source.path, fd: source.descriptor };
  if (source.path !== undefined) return { kind: 'file', path: source.path };
  if (source instanceof BufferSource) return { kind: 'bytes', bytes: source.buffer };
  if (source instanceof RemoteSource) return { kind: 'remote', url: source.resolveUrl, size: source.size, headers: source.headers };
  return undefined;
}

/** What a thread that reopens specs has: an HTTP line for remote reads, the repo listing, byte counters. */
export interface SpecContext {
  http?: () => SyncRequester | undefined;
  listing?: HubListing;
  stats: FetchStats;
}

/** Reopens an entry from its spec, in any thread. */
export function openSpec(spec: EntrySpec, context: SpecContext): { source: ByteSource; siblings?: Siblings; close(): void } {
  const http = (): SyncRequester => {
    const h = context.http?.();
    if (!h) throw new ModelgateError('NETWORK', 'no HTTP line in this thread for a remote read');
    return h;
  };
  let source: ByteSource;
  let close = (): void => undefined;
  const s = spec.source;
  if (s.kind === 'file') {
    const file = new FileSource(s.path, { fd: s.fd });
    source = file;
    close = () => file.close();
  } else if (s.kind === 'bytes') {
    source = new BufferSource(Buffer.from(s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteLength));
  } else {
    source = new RemoteSource(http(), s.url, s.size, s.headers, context.stats);
  }
  let siblings: Siblings | undefined;
  if (spec.siblings?.kind === 'dir') siblings = siblingsOf(spec.siblings.of);
  else if (spec.siblings?.kind === 'hub' && context.listing) {
    const listing = context.listing;
    const path = spec.siblings.path;
    let inner: Siblings | undefined;
    siblings = (name) => (inner ??= hubSiblings(listing, path, http(), context.stats))(name);
  }
  return { source, siblings, close };
}
