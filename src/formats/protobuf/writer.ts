import { WireType } from './wire.js';

/**
 * Test-only: emits protobuf wire format (protobuf.dev "Encoding") so builders can make inputs
 * from typed descriptions. `raw` and `key` let tests write broken encodings on purpose.
 */
export class ProtoWriter {
  private readonly parts: Buffer[] = [];

  /** A base-128 varint of a non-negative or negative (two's complement, 10 bytes) value. */
  static varint(value: number | bigint): Buffer {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) b |= 0x80;
      out.push(b);
    } while (v !== 0n);
    return Buffer.from(out);
  }

  /** A field key. */
  key(field: number, wireType: number): this {
    this.parts.push(ProtoWriter.varint(field * 8 + wireType));
    return this;
  }

  /** Bytes as they are. */
  raw(bytes: Buffer | number[]): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  uint(field: number, value: number | bigint): this {
    return this.key(field, WireType.VARINT).raw(ProtoWriter.varint(value));
  }

  bytes(field: number, value: Buffer | string): this {
    const b = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    return this.key(field, WireType.LEN).raw(ProtoWriter.varint(b.length)).raw(b);
  }

  string(field: number, value: string): this {
    return this.bytes(field, value);
  }

  message(field: number, inner: ProtoWriter | Buffer): this {
    return this.bytes(field, inner instanceof ProtoWriter ? inner.finish() : inner);
  }

  /** A packed repeated varint field. */
  packed(field: number, values: ReadonlyArray<number | bigint>): this {
    return this.bytes(field, Buffer.concat(values.map((v) => ProtoWriter.varint(v))));
  }

  fixed32(field: number, value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value >>> 0);
    return this.key(field, WireType.I32).raw(b);
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** A fresh writer. */
export const proto = (): ProtoWriter => new ProtoWriter();
