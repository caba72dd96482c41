import { describe, expect, it } from 'vitest';
import { pickle, type PickleBuilder } from '../../src/formats/pickle/builder.js';
import { scanBytes } from '../helpers/scan-bytes.js';

/*
 * Where the C and pure-Python unpicklers read frames differently, a payload either would run
 * is found (issue 15, point 3). Lib/pickle.py _Unframer.load_frame takes whatever read()
 * returns as the frame, so an over-long FRAME is read on; the C unpickler refuses it. After
 * a STOP inside a frame, a reader of the same file goes on at the frame's end (pure-Python,
 * or C once it read the frame whole) or right after STOP (C on a peekable file).
 */

const payload = (b: PickleBuilder): PickleBuilder => b.global('os', 'system').binunicode('echo pwned').tuple1().reduce();
const benign = (): PickleBuilder => pickle().proto(4).framed(pickle().emptyDict().stop());

const ids = (r: { findings: Array<{ ruleId: string }> }): string[] => r.findings.map((f) => f.ruleId);

describe('pickle frames: every unpickler reading is followed', () => {
  it('a payload inside an over-long FRAME in the first stream is malicious', async () => {
    const bytes = payload(pickle().proto(4).frame(1_000_000)).stop().bytes();
    const r = await scanBytes(bytes);
    expect(r.verdict).toBe('malicious');
    expect(ids(r)).toContain('pickle/malformed-stream');
  });

  it('a payload inside an over-long FRAME in a later stream is malicious', async () => {
    const bytes = Buffer.concat([
      benign().bytes(),
      payload(
        pickle()
          .proto(4)
          .frame(2n ** 40n),
      )
        .stop()
        .bytes(),
    ]);
    const r = await scanBytes(bytes);
    expect(r.verdict).toBe('malicious');
  });

  it('a payload at the end of a frame whose STOP came early is malicious (the pure-Python reading)', async () => {
    // The frame holds STOP then 9 bytes of junk that no reading after STOP parses; the payload
    // after the frame is where pickle._Unpickler's next load begins.
    const first = pickle()
      .proto(4)
      .framed(
        pickle()
          .emptyDict()
          .stop()
          .raw(Buffer.from([0xff, 0xfe, 0, 1, 2, 3, 4, 5, 6])),
      )
      .bytes();
    const r = await scanBytes(Buffer.concat([first, payload(pickle().proto(4)).stop().bytes()]));
    expect(r.verdict).toBe('malicious');
  });

  it('a payload right after an early STOP inside the frame is malicious (the C reading)', async () => {
    const inner = Buffer.concat([pickle().emptyDict().stop().bytes(), payload(pickle().proto(4)).stop().bytes()]);
    const r = await scanBytes(pickle().proto(4).frame(inner.length).raw(inner).bytes());
    expect(r.verdict).toBe('malicious');
  });

  it('a real protocol-4 pickle with a well-formed frame stays clean', async () => {
    const r = await scanBytes(benign().bytes());
    expect(r.verdict).toBe('clean');
  });
});

describe('pickle frames: an opcode that runs past the end of its frame', () => {
  // The frame ends inside BINBYTES's 4-byte length. Read straight through, the length is 2 +
  // the payload's size and the payload is data; the C unpickler reading a file drops the rest
  // of the frame and reads the length (0) from the frame's end, then runs the payload.
  const straddle = (): Buffer => {
    const tail = Buffer.concat([Buffer.from('0', 'latin1'), payload(pickle()).stop().bytes()]);
    const body = Buffer.concat([Buffer.from([0x42]), Buffer.from([2 + tail.length, 0])]);
    return Buffer.concat([pickle().proto(4).frame(body.length).raw(body).bytes(), Buffer.from([0, 0, 0, 0]), tail, Buffer.from('0.', 'latin1')]);
  };

  it('is high, and the C reading from the frame end is scanned: the payload is found', async () => {
    const r = await scanBytes(straddle());
    expect(r.verdict).toBe('malicious');
    expect(r.findings.some((f) => f.ruleId === 'pickle/malformed-stream' && f.severity === 'high')).toBe(true);
    expect(r.findings.some((f) => f.ruleId === 'pickle/dangerous-callable')).toBe(true);
  });

  it('an opcode that ends exactly at the frame end is no straddle', async () => {
    const r = await scanBytes(pickle().proto(4).framed(pickle().binint(70000).stop()).bytes());
    expect(r.verdict).toBe('clean');
  });
});
