import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { centralReadings, readCentral, type CentralReading } from './central.js';
import { findEndRecords } from './eocd.js';
import { walkLocal } from './local.js';
import type { ZipArchive, ZipEntry } from './model.js';
import { overlappingEntries } from './refusals.js';

/** True when the bytes begin like a zip: a local header or an empty archive's EOCD. */
export function isZipHead(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

/**
 * Offset of an end-of-central-directory record whose comment fits in the file, searching back
 * from the end: the strict test used to recognise a zip with bytes before its first header.
 */
export function findEocd(source: ByteSource): number | undefined {
  return findEndRecords(source).find((r) => r.strict)?.offset;
}

/** What one central-directory reading produced, for comparing readings. */
interface Reading {
  label: string;
  start?: number;
  names: Set<string>;
  broken?: string;
}

const entryKey = (e: ZipEntry): string => `${e.localOffset}:${e.method}:${e.compressedSize}:${e.name}`;
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function isLimit(e: unknown): boolean {
  return e instanceof ModelgateError && e.code.startsWith('LIMIT_');
}

/**
 * Reads every central directory some real loader would use (see findEndRecords and
 * centralReadings), merging their entries; entries listed by several readings appear once.
 */
function readAllCentral(source: ByteSource, limits: Limits, archive: ZipArchive): Reading[] {
  const seen = new Set<string>();
  const readings: Reading[] = [];
  for (const record of findEndRecords(source)) {
    let places: CentralReading[];
    try {
      places = centralReadings(source, record);
    } catch (e) {
      if (isLimit(e)) throw e;
      readings.push({ label: `the end record at ${record.offset} (${record.readers.join('; ')})`, names: new Set(), broken: message(e) });
      continue;
    }
    for (const place of places) {
      const result = readCentral(source, place, limits);
      readings.push({ label: place.label, start: place.start, names: new Set(result.entries.map(entryKey)), broken: result.broken });
      if (!result.broken) {
        // A reading that loaders take, and that they refuse or read differently from the others.
        const overlaps = overlappingEntries(result.entries, place.start);
        if (overlaps.length > 0) archive.defects.push(`${place.label} lists overlapping entries, which zipfile refuses: ${overlaps.slice(0, 5).join('; ')}`);
        for (const why of [place.spanned, result.defect]) if (why !== undefined) archive.defects.push(`${place.label}: ${why}`);
      }
      for (const entry of result.entries) {
        if (seen.has(entryKey(entry))) continue;
        seen.add(entryKey(entry));
        archive.entries.push(entry);
      }
      if (archive.entries.length > limits.maxArchiveEntries) throw new ModelgateError('LIMIT_ENTRIES', `zip has more than ${limits.maxArchiveEntries} entries`);
    }
  }
  return readings;
}

/** Reports readings that break while others do not, and members some readings list and others miss. */
function compareReadings(readings: Reading[], archive: ZipArchive): void {
  const whole = readings.filter((r) => !r.broken);
  if (whole.length === 0) {
    archive.centralBreak =
      readings.length === 0
        ? 'no end-of-central-directory record (the file is cut short or not a zip); entries come from local headers only'
        : readings.map((r) => (readings.length > 1 ? `${r.label}: ${r.broken}` : `central directory: ${r.broken}`)).join('; ');
    return;
  }
  for (const r of readings) if (r.broken) archive.problems.push(`${r.label} cannot be read to its end (${r.broken}); other readers' directories were scanned`);
  if (readings.length < 2) return;
  const all = new Set(readings.flatMap((r) => [...r.names]));
  const describe = (key: string): string => {
    const [offset, , , ...name] = key.split(':');
    return `${JSON.stringify(name.join(':'))} at ${offset}`;
  };
  const lines = readings.map((r) => {
    const missing = [...all].filter((k) => !r.names.has(k));
    return `${r.label} lists ${r.names.size} ${r.names.size === 1 ? 'entry' : 'entries'}${missing.length ? `, not ${missing.map(describe).join(', ')}` : ''}`;
  });
  archive.problems.push(
    `loaders read this zip through ${readings.length} different central directories, and every member of each was scanned: ${lines.join('; ')}`,
  );
}

/**
 * Reads a zip's central directories and every local header, tolerating what loaders tolerate:
 * bad CRCs, headers that disagree, flags that claim encryption, end records whose comment runs
 * past the end. Where loaders disagree on which end record or which directory counts, every
 * reading is kept; a walk of local headers from the start adds entries no directory lists. Own
 * code rather than a library because a scanner must keep all readings where libraries pick
 * one and refuse the rest.
 */
export function readZip(source: ByteSource, limits: Limits): ZipArchive {
  const archive: ZipArchive = { entries: [], problems: [], defects: [] };
  const readings = readAllCentral(source, limits, archive);
  compareReadings(readings, archive);
  const starts = readings.filter((r) => r.names.size > 0 || !r.broken).flatMap((r) => (r.start === undefined ? [] : [r.start]));
  if (starts.length > 0) archive.centralOffset = Math.min(...starts);
  try {
    walkLocal(source, limits, archive);
  } catch (e) {
    archive.problems.push(`local header walk: ${message(e)}`);
  }
  if (archive.entries.length > limits.maxArchiveEntries) {
    throw new ModelgateError('LIMIT_ENTRIES', `zip has more than ${limits.maxArchiveEntries} entries`);
  }
  return archive;
}
