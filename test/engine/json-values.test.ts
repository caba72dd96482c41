import { describe, expect, it } from 'vitest';
import { osSystemPickle, plainPickle } from '../helpers/pickles.js';
import { scanBytes } from '../helpers/scan-bytes.js';

// Issue 14, point 5: model bytes a JSON value carries (base64, hex, a data: URI, a protocol-0
// pickle as text) are scanned as members named by the value's path, as Python literals are.

const protocol0 = "cos\nsystem\n(S'id'\ntR.";

describe('model bytes in JSON values', () => {
  it.each([
    ['base64', (b: Buffer) => b.toString('base64')],
    ['hex', (b: Buffer) => b.toString('hex')],
    ['a data: URI', (b: Buffer) => `data:application/octet-stream;base64,${b.toString('base64')}`],
  ])('scans a pickle held as %s under the value path', async (_how, encode) => {
    const doc = { processor_class: 'X', normalizer: { state: encode(osSystemPickle()) } };
    const r = await scanBytes(Buffer.from(JSON.stringify(doc)), { name: 'extra.json' });
    expect(r.verdict).toBe('malicious');
    const payload = r.findings.find((f) => f.ruleId === 'pickle/dangerous-callable');
    expect(payload?.target).toBe('extra.json!/$.normalizer.state');
  });

  it('scans a protocol-0 pickle kept as the text of a value', async () => {
    const r = await scanBytes(Buffer.from(JSON.stringify({ items: [1, { blob: protocol0 }] })), { name: 'state.json' });
    expect(r.verdict).toBe('malicious');
    expect(r.findings.find((f) => f.ruleId === 'pickle/dangerous-callable')?.target).toBe('state.json!/$.items[1].blob');
  });

  it.each([
    ['a base64 pickle of plain data', { state: plainPickle().toString('base64') }],
    ['a base64 PNG', { icon: Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(40, 1)]).toString('base64') }],
    ['hashes and ids', { sha256: 'a'.repeat(64), id: 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG' }],
    ['base64 of random bytes', { salt: Buffer.from(Array.from({ length: 48 }, (_, i) => (i * 73 + 5) & 0xff)).toString('base64') }],
  ])('keeps %s clean', async (_what, doc) => {
    const r = await scanBytes(Buffer.from(JSON.stringify(doc)), { name: 'config.json' });
    expect(r.verdict).toBe('clean');
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});
