/**
 * Compiled code by its first bytes: native executables and libraries that a custom-op loader
 * (`torch.ops.load_library`, `tf.load_op_library`) or `ctypes.CDLL` maps into the process, and
 * CPython bytecode that `import` runs in place of a module's source. None of it can be judged
 * statically here; recognising it lets the scanner say what it is instead of "unknown bytes".
 */
export interface CompiledCode {
  /** `elf`, `mach-o`, `pe`, `wasm`, `java-class` or `python-bytecode`. */
  format: string;
  /** What loads it, for the finding's message. */
  detail: string;
}

const starts = (head: Buffer, bytes: number[]): boolean => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

/** Mach-O magics (mach-o/loader.h): 32/64-bit, either byte order; fat (universal) binaries. */
const MACH_O = [
  [0xfe, 0xed, 0xfa, 0xce],
  [0xfe, 0xed, 0xfa, 0xcf],
  [0xce, 0xfa, 0xed, 0xfe],
  [0xcf, 0xfa, 0xed, 0xfe],
];

/**
 * CPython's `.pyc` header (PEP 552; importlib/_bootstrap_external.py): a two-byte magic number
 * that changes with each bytecode version, then `\r\n`, then a 32-bit flags word (bit 0: hash
 * based, bit 1: check source) and 8 bytes of mtime+size or source hash. Magic numbers run from
 * 20121 (Python 1.5) to 62211 (2.7) and from 3000 upwards for Python 3.
 */
function isPythonBytecode(head: Buffer): boolean {
  if (head.length < 16 || head[2] !== 0x0d || head[3] !== 0x0a) return false;
  const magic = head.readUInt16LE(0);
  const flags = head.readUInt32LE(4);
  return magic >= 3000 && magic < 4000 ? flags <= 3 : magic >= 20121 && magic <= 62211;
}

/** A PE image (Windows DLL or EXE): `MZ`, then `PE\0\0` at the offset e_lfanew (at 0x3c) gives. */
function isPe(head: Buffer): boolean {
  if (!starts(head, [0x4d, 0x5a]) || head.length < 0x40) return false;
  const at = head.readUInt32LE(0x3c);
  return at + 4 <= head.length && head.readUInt32BE(at) === 0x50450000;
}

/** The compiled code the head begins, or undefined. */
export function recogniseCompiledCode(head: Buffer): CompiledCode | undefined {
  if (starts(head, [0x7f, 0x45, 0x4c, 0x46])) return { format: 'elf', detail: 'an ELF executable or shared library (Linux)' };
  if (MACH_O.some((m) => starts(head, m))) return { format: 'mach-o', detail: 'a Mach-O executable or library (macOS)' };
  // 0xCAFEBABE begins both universal Mach-O binaries and Java class files: the next word is a
  // small architecture count for the first and a class file version (≥ 45) for the second.
  if (starts(head, [0xca, 0xfe, 0xba, 0xbe]) && head.length >= 8) {
    return head.readUInt32BE(4) < 45
      ? { format: 'mach-o', detail: 'a universal Mach-O binary (macOS)' }
      : { format: 'java-class', detail: 'a Java class file' };
  }
  if (isPe(head)) return { format: 'pe', detail: 'a Windows PE executable or DLL' };
  if (starts(head, [0x00, 0x61, 0x73, 0x6d])) return { format: 'wasm', detail: 'a WebAssembly module' };
  if (isPythonBytecode(head)) return { format: 'python-bytecode', detail: 'CPython bytecode (.pyc), which import runs in place of the source' };
  return undefined;
}
