/** Small hand-assembled pickles for engine and CLI tests (opcodes per CPython's pickletools). */

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};

/** `X` BINUNICODE operand. */
export const binunicode = (s: string): Buffer => Buffer.concat([Buffer.from('X'), u32(Buffer.byteLength(s)), Buffer.from(s)]);

/** Protocol 2: `os.system(cmd)`. */
export function osSystemPickle(cmd = 'echo test'): Buffer {
  return Buffer.concat([Buffer.from('\x80\x02cos\nsystem\n', 'latin1'), binunicode(cmd), Buffer.from('\x85R.', 'latin1')]);
}

/** Protocol 2: `{'a': [1, 2]}`, nothing imported. */
export function plainPickle(): Buffer {
  return Buffer.from('\x80\x02}q\x00X\x01\x00\x00\x00a]q\x01(K\x01K\x02es.', 'latin1');
}

/** Protocol 2: `collections.OrderedDict()` filled with one entry. */
export function orderedDictPickle(): Buffer {
  return Buffer.concat([Buffer.from('\x80\x02ccollections\nOrderedDict\n)R', 'latin1'), binunicode('k'), Buffer.from('K\x01s.', 'latin1')]);
}
