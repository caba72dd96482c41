import { ModelgateError } from '../../core/errors.js';

/** A pax record as Lib/tarfile.py `_proc_pax` finds it: `<length> <keyword>=`. */
const RECORD = /(\d+) ([^=]+)=/y;

/**
 * The records of a pax extended header (POSIX.1-2008 pax, "ustar Interchange Format"), read
 * as tarfile reads them: each record is `<length> <keyword>=<value>\n`, the length counting the
 * whole record; reading stops at the first text that is not a record. Values are UTF-8.
 */
export function parsePax(data: Buffer, offset: number): Record<string, string> {
  const text = data.toString('latin1');
  const records: Record<string, string> = {};
  let pos = 0;
  for (;;) {
    RECORD.lastIndex = pos;
    const m = RECORD.exec(text);
    if (!m) break;
    const length = Number(m[1]);
    if (length === 0) throw new ModelgateError('MALFORMED', `tar pax record of length 0 in the header at ${offset}`, { offset });
    const valueStart = pos + m[0].length;
    const valueEnd = pos + length - 1;
    const key = Buffer.from(m[2]!, 'latin1').toString('utf8');
    records[key] = valueEnd > valueStart ? data.subarray(valueStart, valueEnd).toString('utf8') : '';
    pos += length;
  }
  return records;
}
