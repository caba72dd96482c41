/**
 * Test-only: builds Keras configs and the marshalled code objects Keras stores in them, so
 * tests state what they mean instead of pasting blobs. Marshal bytes follow Python/marshal.c
 * (format version 4): type byte, FLAG_REF 0x80 on objects later referenced, little-endian
 * 32-bit lengths; code objects in the CPython 3.11+, 3.8–3.10 or 3.0–3.7 layout. Nothing is
 * checked, so broken inputs can be built too (see `raw`).
 */

import type { JsonObject, JsonValue } from './json.js';

export type PyLayout = '3.11' | '3.8' | '3.7';

/** A constant: None, an int, a string, a tuple of constants, or a nested code object. */
export type Constant = null | number | string | Constant[] | CodeSpec;

/** A code object: what it names and holds; everything else gets plausible defaults. */
export interface CodeSpec {
  /** co_names: globals and attributes the code uses. */
  names?: string[];
  /** co_consts. */
  consts?: Constant[];
  varnames?: string[];
  name?: string;
  filename?: string;
}

const FLAG_REF = 0x80;

class MarshalWriter {
  private parts: Buffer[] = [];
  private refs = new Map<string, number>();
  private nextRef = 0;

  constructor(private readonly layout: PyLayout) {}

  byte(b: number): this {
    this.parts.push(Buffer.from([b]));
    return this;
  }
  i32(n: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    this.parts.push(b);
    return this;
  }
  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  /** 's' TYPE_STRING: bytes. */
  bytes(b: Buffer): this {
    return this.byte(0x73).i32(b.length).raw(b);
  }
  /** An interned name: 'Z' short ASCII with FLAG_REF the first time, 'r' references after. */
  name(s: string): this {
    const seen = this.refs.get(s);
    if (seen !== undefined) return this.byte(0x72).i32(seen);
    this.refs.set(s, this.nextRef++);
    const b = Buffer.from(s, 'latin1');
    return /^[\x00-\x7f]*$/.test(s) && b.length < 256
      ? this.byte(0x5a | FLAG_REF)
          .byte(b.length)
          .raw(b)
      : this.unicode(s);
  }
  /** 'u' TYPE_UNICODE: UTF-8 text. */
  unicode(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.byte(0x75).i32(b.length).raw(b);
  }
  tuple(items: Array<() => void>): this {
    if (items.length < 256) this.byte(0x29).byte(items.length);
    else this.byte(0x28).i32(items.length);
    items.forEach((f) => f());
    return this;
  }
  names(list: string[]): this {
    return this.tuple(list.map((s) => () => this.name(s)));
  }
  constant(c: Constant): this {
    if (c === null) return this.byte(0x4e);
    if (Array.isArray(c)) return this.tuple(c.map((item) => () => this.constant(item)));
    if (typeof c === 'number') return this.byte(0x69).i32(c);
    if (typeof c === 'string') return this.unicode(c);
    return this.code(c);
  }
  code(spec: CodeSpec): this {
    this.nextRef++; // the code object's own reference slot, reserved before its fields
    const ints = this.layout === '3.8' ? [1, 0, 0, 1, 2, 3] : this.layout === '3.11' ? [1, 0, 0, 2, 3] : [1, 0, 1, 2, 67];
    this.byte(0x63 | FLAG_REF);
    ints.forEach((n) => this.i32(n));
    const varnames = spec.varnames ?? ['x'];
    this.bytes(Buffer.from([0x97, 0x00, 0x7c, 0x00, 0x53, 0x00]));
    this.tuple((spec.consts ?? [null]).map((c) => () => this.constant(c)));
    this.names(spec.names ?? []);
    if (this.layout === '3.11') {
      this.names(varnames).bytes(Buffer.alloc(varnames.length, 0x20));
      this.name(spec.filename ?? '<string>')
        .name(spec.name ?? '<lambda>')
        .name(spec.name ?? '<lambda>');
      this.i32(1)
        .bytes(Buffer.from([0x80, 0x00]))
        .bytes(Buffer.alloc(0));
    } else {
      this.names(varnames).names([]).names([]);
      this.name(spec.filename ?? '<string>').name(spec.name ?? '<lambda>');
      this.i32(1).bytes(Buffer.from([0x00, 0x01]));
    }
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** `marshal.dumps(code)` of a code object described by `spec`, in a CPython layout. */
export function marshalCode(spec: CodeSpec, layout: PyLayout = '3.11'): Buffer {
  return new MarshalWriter(layout).code(spec).done();
}

/** `codecs.encode(bytes, "base64")` as Keras's func_dump writes it: lines of 76 characters. */
export function pythonBase64Lines(bytes: Buffer): string {
  const flat = bytes.toString('base64');
  return (flat.match(/.{1,76}/g) ?? []).map((line) => `${line}\n`).join('');
}

/** Base64 text of a lambda's code, as stored in a config. */
export function lambdaText(spec: CodeSpec, layout: PyLayout = '3.11'): string {
  return pythonBase64Lines(marshalCode(spec, layout));
}

/** `lambda x: __import__('os').system('echo modelgate')`. */
export const OS_SYSTEM_LAMBDA: CodeSpec = { names: ['__import__', 'system'], consts: [null, 'os', 'echo modelgate'] };
/** `lambda x: x * 2.0`: uses no global name. */
export const PLAIN_LAMBDA: CodeSpec = { names: [], consts: [null, 2] };
/** `lambda x: K.expand_dims(x, -1)`. */
export const BACKEND_LAMBDA: CodeSpec = { names: ['K', 'expand_dims'], consts: [null, -1] };

/** A Keras 3 serialized object. */
export function k3(className: string, config: JsonValue, module: string | null = 'keras.layers', registeredName: string | null = null): JsonObject {
  return { module, class_name: className, config, registered_name: registeredName };
}

/** A Keras 3 layer with the base Layer config fields. */
export function k3Layer(className: string, name: string, extra: JsonObject = {}, module = 'keras.layers'): JsonObject {
  return k3(className, { name, trainable: true, dtype: 'float32', ...extra }, module);
}

/** A Keras 3 Lambda layer whose function is a `__lambda__` object. */
export function k3Lambda(name: string, code: string): JsonObject {
  return k3Layer('Lambda', name, { function: { class_name: '__lambda__', config: { code, defaults: null, closure: null } }, arguments: {} });
}

/** A Keras 3 Sequential model config. */
export function k3Sequential(layers: JsonValue[]): JsonObject {
  return k3('Sequential', { name: 'sequential', trainable: true, layers }, 'keras', null);
}

/** A Keras 2 layer: `{class_name, config}`, no module. */
export function k2Layer(className: string, name: string, extra: JsonObject = {}): JsonObject {
  return { class_name: className, config: { name, trainable: true, dtype: 'float32', ...extra } };
}

/** A Keras 2 Lambda layer with `function: [code, defaults, closure]`. */
export function k2Lambda(name: string, code: JsonValue, extra: JsonObject = {}): JsonObject {
  return k2Layer('Lambda', name, {
    function: [code, null, null],
    function_type: 'lambda',
    module: '__main__',
    output_shape: null,
    output_shape_type: 'raw',
    arguments: {},
    ...extra,
  });
}

/** A Keras 2 Sequential model config. */
export function k2Sequential(layers: JsonValue[]): JsonObject {
  return { class_name: 'Sequential', config: { name: 'sequential', layers } };
}
