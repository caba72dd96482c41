/**
 * Test-only: emits tar bytes from a list of members, each header laid out as POSIX.1-1988
 * ustar (or V7, without the magic and the fields after the link name) and checksummed as
 * Lib/tarfile.py `calc_chksums` checks it. Nothing is validated: a test may write a lying
 * size, a bad checksum or an unknown type flag.
 */

export interface TarMemberSpec {
  name: string;
  data?: Buffer;
  /** Type flag character; `0` by default. */
  type?: string;
  linkName?: string;
  /** Size field override (the data written is still `data`). */
  size?: number;
  /** Raw size field text, for the forms tarfile's `int(s, 8)` accepts. */
  sizeField?: string;
  /** ustar (default) or V7: no magic, version, owner names, devices or prefix. */
  format?: 'ustar' | 'v7';
  /** Written as the checksum instead of the right one. */
  checksum?: number;
  /** Checksum as the sum of signed chars (old Sun and NeXT tars). */
  signedChecksum?: boolean;
}

function put(block: Buffer, start: number, length: number, text: string): void {
  Buffer.from(text, 'utf8').copy(block, start, 0, length);
}

/** One 512-byte header for `spec`. */
export function tarHeader(spec: TarMemberSpec): Buffer {
  const block = Buffer.alloc(512);
  put(block, 0, 100, spec.name);
  put(block, 100, 8, '0000644\0');
  put(block, 108, 8, '0000000\0');
  put(block, 116, 8, '0000000\0');
  put(block, 124, 12, spec.sizeField ?? `${(spec.size ?? spec.data?.length ?? 0).toString(8).padStart(11, '0')}\0`);
  put(block, 136, 12, '00000000000\0');
  block[156] = (spec.type ?? '0').charCodeAt(0);
  if (spec.linkName) put(block, 157, 100, spec.linkName);
  if (spec.format !== 'v7') {
    put(block, 257, 8, 'ustar\x0000');
    put(block, 329, 8, '0000000\0');
    put(block, 337, 8, '0000000\0');
  }
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += spec.signedChecksum && b > 127 ? b - 256 : b;
  put(block, 148, 8, `${(spec.checksum ?? sum).toString(8).padStart(6, '0')}\0 `);
  return block;
}

/** A whole archive: each header, its data padded to 512 bytes, then two zero blocks. */
export function buildTar(members: readonly TarMemberSpec[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    parts.push(tarHeader(m));
    const data = m.data ?? Buffer.alloc(0);
    parts.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A pax extended header (`x`) member carrying `records`, each `<len> key=value\n`. */
export function paxMember(records: Record<string, string>): TarMemberSpec {
  const lines = Object.entries(records).map(([k, v]) => {
    const body = ` ${k}=${v}\n`;
    let n = Buffer.byteLength(body) + 1;
    while (String(n).length + Buffer.byteLength(body) !== n) n = String(n).length + Buffer.byteLength(body);
    return `${n}${body}`;
  });
  return { name: 'PaxHeader', type: 'x', data: Buffer.from(lines.join(''), 'utf8') };
}
