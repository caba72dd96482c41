import { describe, expect, it } from 'vitest';
import { pickle } from '../../src/formats/pickle/builder.js';
import { buildZip } from '../../src/formats/zip/builder.js';
import { scanBytes } from '../helpers/scan-bytes.js';

// Issue 14, point 3: text whose first byte is also a protocol-0 opcode (`c` GLOBAL, `(` MARK,
// `d` DICT…) is read as a pickle only where a loader would run something. A stream that breaks
// and whose first import names nothing importable ends every load there (find_class raises), so
// the text is judged as text; a stream that reaches STOP, or acts before it breaks, stays a
// pickle reading whatever the file is named (torch.load and pickle.load take any name).

/** Names a loader unpickles whatever the content: torch.load, pickle.load, joblib.load. */
const LOADER_NAMES = ['x.pkl', 'pytorch_model.bin', 'x.pt', 'model.joblib', 'model'];

const TEXTS: Array<{ name: string; text: string; format: string }> = [
  // `c` GLOBAL reads module `lass XModel:` and name `    pass`, then runs out of bytes.
  { name: 'modeling_x.py', text: 'class XModel:\n    pass\n', format: 'python' },
  // GLOBAL `ertifi==2024.2.2` `idna==3.6`.
  { name: 'requirements.txt', text: 'certifi==2024.2.2\nidna==3.6\n', format: 'text' },
  // GLOBAL `ertifi` `idna`: names a loader would try to import, but no STOP and no call, in a
  // file named as text.
  { name: 'requirements.txt', text: 'certifi\nidna\n', format: 'text' },
  // `d` DICT, `a` APPEND…: breaks before anything is imported.
  { name: 'config.yaml', text: 'dataset:\n  name: x\n', format: 'text' },
  // `(` MARK, `a` APPEND on a mark: breaks at once.
  { name: 'notes.txt', text: '(a note)\n', format: 'text' },
];

/** Protocol 0, as pickle.dumps(protocol=0) writes a call: `cos\nsystem\n(S'id'\ntR.`. */
const osSystemProtocol0 = (): Buffer => pickle().global('os', 'system').mark().string('id').tuple().reduce().stop().bytes();

/** The same call with no STOP after it (nullifAI): the loader has run it before it breaks. */
const osSystemProtocol0NoStop = (): Buffer => pickle().global('os', 'system').mark().string('id').tuple().reduce().bytes();

describe('text that begins with a protocol-0 opcode', () => {
  for (const { name, text, format } of TEXTS) {
    // Identifiers are importable names: only a text file's name makes such a broken stream text.
    const importable = text === 'certifi\nidna\n';
    for (const as of importable ? [name, 'README.md', 'config.yaml'] : [name, ...LOADER_NAMES]) {
      it(`reads ${JSON.stringify(text)} named ${as} as ${format}, clean`, async () => {
        const r = await scanBytes(Buffer.from(text), { name: as });
        expect(r.verdict).toBe('clean');
        expect(r.format).toBe(format);
        expect(r.findings.filter((f) => f.ruleId.startsWith('pickle/'))).toEqual([]);
      });
    }
  }

  it('builds its pickles as pickle.dumps(protocol=0) writes them', () => {
    expect(osSystemProtocol0().toString('latin1')).toBe("cos\nsystem\n(S'id'\ntR.");
  });
});

describe('protocol-0 pickles stay pickles, whatever their name', () => {
  const payloads: Array<{ what: string; bytes: () => Buffer }> = [
    { what: 'a whole os.system call', bytes: osSystemProtocol0 },
    { what: 'an os.system call that breaks after REDUCE (no STOP)', bytes: osSystemProtocol0NoStop },
    // An importable GLOBAL first, then text: the load imports and calls before it breaks.
    { what: 'os.system called before text', bytes: () => Buffer.concat([osSystemProtocol0NoStop(), Buffer.from('\nclass X:\n    pass\n')]) },
  ];
  for (const { what, bytes } of payloads) {
    for (const name of ['notes.txt', 'requirements.txt', 'config.yaml', 'README.md', ...LOADER_NAMES]) {
      it(`flags ${what} named ${name}`, async () => {
        const r = await scanBytes(bytes(), { name });
        expect(r.format).toBe('pickle');
        expect(r.verdict).toBe('malicious');
        expect(r.findings.map((f) => f.ruleId)).toContain('pickle/dangerous-callable');
      });
    }
  }

  it('keeps a whole stream whose first import is not importable, graded low, and the payload after it', async () => {
    const bytes = pickle().global('lass XModel:', '    pass').pop().global('os', 'system').mark().string('id').tuple().reduce().stop().bytes();
    const r = await scanBytes(bytes, { name: 'notes.txt' });
    expect(r.format).toBe('pickle');
    expect(r.verdict).toBe('malicious');
    const unknown = r.findings.filter((f) => f.ruleId === 'pickle/unknown-global');
    expect(unknown.map((f) => f.severity)).toEqual(['low']);
  });

  for (const name of LOADER_NAMES) {
    it(`keeps a broken stream whose first import names identifiers, named ${name} (a loader imports it before breaking)`, async () => {
      const r = await scanBytes(Buffer.from('certifi\nidna\n'), { name });
      expect(r.format).toBe('pickle');
      expect(r.verdict).not.toBe('clean');
    });
  }

  it('keeps a broken binary stream whose first import is not importable (no text to judge instead)', async () => {
    const bytes = Buffer.concat([pickle().global('a b', 'c').bytes(), Buffer.from([0xff, 0x00, 0xfe])]);
    const r = await scanBytes(bytes, { name: 'x.pkl' });
    expect(r.format).toBe('pickle');
    expect(r.verdict).not.toBe('clean');
  });

  it('still reports a torch archive whose data.pkl is such text: torch.load unpickles it by name, and it breaks', async () => {
    const bytes = buildZip([{ name: 'archive/data.pkl', data: Buffer.from('class XModel:\n    pass\n') }]);
    const r = await scanBytes(bytes, { name: 'pytorch_model.bin' });
    expect(r.verdict).not.toBe('clean');
    expect(r.findings.map((f) => f.ruleId)).toContain('pickle/malformed-stream');
  });
});

describe('content another format reads whole', () => {
  // A Flax state as flax.serialization.msgpack_serialize writes it: a map (0x82: two entries),
  // keys as fixstr, a float32 array as an ext value. To a pickle reader 0x82 is EXT1: a lookup
  // in the extension registry, then the stream breaks.
  const flaxState = Buffer.concat([
    Buffer.from([0x82, 0xa6]),
    Buffer.from('params'),
    Buffer.from([0x81, 0xa6]),
    Buffer.from('kernel'),
    Buffer.from([0xc7, 0x08, 0x01, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]),
    Buffer.from([0xa4]),
    Buffer.from('step'),
    Buffer.from([0x07]),
  ]);

  it('reads a msgpack map that begins with a pickle opcode as msgpack, clean', async () => {
    const r = await scanBytes(flaxState, { name: 'flax_model.msgpack' });
    expect(r.format).toBe('msgpack');
    expect(r.verdict).toBe('clean');
    expect(r.findings).toEqual([]);
  });

  it('keeps a pickle that calls something a pickle, even when it begins like msgpack', async () => {
    const acting = Buffer.concat([Buffer.from([0x82, 0x01]), osSystemProtocol0()]);
    const r = await scanBytes(acting, { name: 'flax_model.msgpack' });
    expect(r.verdict).toBe('malicious');
  });
});

describe('a protocol-0 pickle that stops at a limit is never text', () => {
  // A dict of text entries, as pickle.dumps(protocol=0) writes it, long enough to pass a small
  // memory budget (every UNICODE operand is a value the interpreter keeps), then a call the
  // scan never reaches. It read as a pickle for thousands of opcodes: the limit is the verdict.
  const entries = (n: number): Buffer => {
    const b = pickle().mark().dict();
    for (let i = 0; i < n; i++) b.unicode(`key${i}`).int(i).setitem();
    return b.bytes();
  };
  const payload = (): Buffer => Buffer.concat([entries(5000), pickle().pop().global('os', 'system').mark().string('id').tuple().reduce().stop().bytes()]);

  for (const name of ['notes.txt', 'requirements.txt', ...LOADER_NAMES]) {
    it(`reports LIMIT_MEMORY, not a clean text, named ${name}`, async () => {
      const r = await scanBytes(payload(), { name, limits: { maxSymbolicBytes: 64 * 1024 } });
      expect(r.format).toBe('pickle');
      expect(r.verdict).toBe('error');
      expect(r.findings.filter((f) => f.fatal).map((f) => f.code)).toContain('LIMIT_MEMORY');
    });
  }

  it('reports LIMIT_OPCODES the same way', async () => {
    const r = await scanBytes(payload(), { name: 'notes.txt', limits: { maxOpcodes: 1000 } });
    expect(r.verdict).toBe('error');
    expect(r.findings.filter((f) => f.fatal).map((f) => f.code)).toContain('LIMIT_OPCODES');
  });

  it('reports a second stream that stops at a limit, not trailing data', async () => {
    const first = pickle().proto(2).emptyDict().stop().bytes();
    const r = await scanBytes(Buffer.concat([first, payload()]), { name: 'x.pkl', limits: { maxSymbolicBytes: 64 * 1024 } });
    expect(r.verdict).toBe('error');
    expect(r.findings.filter((f) => f.fatal).map((f) => f.code)).toContain('LIMIT_MEMORY');
    expect(r.findings.map((f) => f.ruleId)).not.toContain('container/trailing-data');
  });

  it('is clean when the same data fits the budget', async () => {
    const r = await scanBytes(Buffer.concat([entries(5000), pickle().stop().bytes()]), { name: 'x.pkl' });
    expect(r.format).toBe('pickle');
    expect(r.verdict).toBe('clean');
  });
});
