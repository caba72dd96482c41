import { describe, expect, it } from 'vitest';
import { scanBytes } from '../../helpers/scan-bytes.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { buildTar } from '../../../src/formats/tar/builder.js';
import { count, emptyList, payload, storageRecord, storagesMember, tensorsMember, torchTar } from './helpers.js';

const ruleIds = (f: { findings: Array<{ ruleId: string }> }) => f.findings.map((x) => x.ruleId);
const targets = (f: { findings: Array<{ target: string }> }) => f.findings.map((x) => x.target.replace(/^.*!\//, ''));

/** A whole nn.Module in the tar format: the class is a persistent id `(cls, source_file, source)`. */
const modulePickle = (module: string, name: string): Buffer =>
  pickle()
    .proto(2)
    .global(module, name)
    .str('/src/model.py')
    .str('class Net: ...')
    .tuple3()
    .binpersid()
    .emptyTuple()
    .newobj()
    .emptyDict()
    .str('training')
    .newtrue()
    .setitem()
    .build()
    .stop()
    .bytes();

describe('benign tars', () => {
  it.each([
    {
      what: 'a ustar tar holding a plain pickle',
      tar: () => buildTar([{ name: 'data.pkl', data: pickle().proto(2).emptyDict().str('a').binint(1).setitem().stop().bytes() }]),
      format: 'tar',
    },
    {
      what: 'a V7 tar of harmless files',
      tar: () =>
        buildTar([
          { name: 'README', data: Buffer.from('hello\n'), format: 'v7' },
          { name: 'w.pkl', data: emptyList(), format: 'v7' },
        ]),
      format: 'tar',
    },
    { what: 'a torch tar checkpoint of a state dict', tar: () => torchTar(), format: 'pytorch-tar' },
    { what: 'a V7 torch tar checkpoint', tar: () => torchTar({}, 'v7'), format: 'pytorch-tar' },
    { what: 'a whole-module torch tar checkpoint', tar: () => torchTar({ pickle: modulePickle('torch.nn.modules.linear', 'Linear') }), format: 'pytorch-tar' },
    {
      what: 'storage views',
      tar: () =>
        torchTar({
          storages: storagesMember(
            [{ key: '0', elements: 6 }],
            pickle().proto(2).emptyList().mark().str('2').str('0').binint(1).binint(2).tuple().append().stop().bytes(),
          ),
        }),
      format: 'pytorch-tar',
    },
  ])('$what is clean, with no note', async ({ tar, format }) => {
    const f = await scanBytes(tar());
    expect(f.format).toBe(format);
    expect(f.verdict).toBe('clean');
    expect(ruleIds(f)).toEqual([]);
  });
});

describe('payloads torch unpickles from a tar checkpoint', () => {
  it.each([
    // Red-team m53: the storage views pickle follows the raw storage bytes.
    { what: 'in the storage views', tar: () => torchTar({ storages: storagesMember([{ key: '0', elements: 6 }], payload()) }), member: 'storages' },
    { what: 'in a storage record', tar: () => torchTar({ storages: Buffer.concat([count(1), payload()]) }), member: 'storages' },
    {
      what: 'after the storage views',
      tar: () => torchTar({ storages: Buffer.concat([storagesMember([{ key: '0', elements: 6 }]), payload()]) }),
      member: 'storages',
    },
    {
      what: 'after a double storage',
      tar: () => torchTar({ storages: storagesMember([{ key: '0', cls: 'DoubleStorage', elements: 3, elementSize: 8 }], payload()) }),
      member: 'storages',
    },
    { what: 'in the tensor count', tar: () => torchTar({ tensors: payload() }), member: 'tensors' },
    {
      what: 'after the tensor records',
      tar: () => torchTar({ tensors: Buffer.concat([tensorsMember([{ key: '1', storage: '0', shape: [2, 3] }]), payload()]) }),
      member: 'tensors',
    },
    // Red-team m54: a V7 tar (no ustar magic) whose pickle member is the payload.
    { what: 'in the pickle member of a V7 tar', tar: () => torchTar({ pickle: payload() }, 'v7'), member: 'pickle' },
    {
      what: 'behind a module persistent id',
      tar: () => torchTar({ pickle: pickle().proto(2).global('os', 'system').str('').str('').tuple3().binpersid().str('id').tuple1().reduce().stop().bytes() }),
      member: 'pickle',
    },
    {
      what: 'in a member of unknown type flag',
      tar: () =>
        buildTar([
          { name: 'storages', data: storagesMember([]) },
          { name: 'tensors', data: count(0) },
          { name: 'pickle', type: 'Z', data: payload() },
        ]),
      member: 'pickle',
    },
  ])('$what', async ({ tar, member }) => {
    const f = await scanBytes(tar());
    expect(f.verdict).toBe('malicious');
    expect(targets(f)).toContain(member);
  });

  it('follows a hard link named pickle to the member it names', async () => {
    const tar = buildTar([
      { name: 'x', data: payload() },
      { name: 'storages', data: storagesMember([]) },
      { name: 'tensors', data: count(0) },
      { name: 'pickle', type: '1', linkName: 'x' },
    ]);
    const f = await scanBytes(tar);
    expect(f.verdict).toBe('malicious');
    expect(targets(f)).toContain('pickle');
  });

  it('reads a pickle the first tar header also is', async () => {
    const name = pickle().global('os', 'system').mark().string('id').tuple().reduce().stop().bytes().toString('latin1');
    const tar = buildTar([{ name, data: Buffer.from('x'), format: 'v7' }]);
    const f = await scanBytes(tar);
    expect(f.format).toBe('tar');
    expect(f.verdict).toBe('malicious');
  });
});

describe('broken tar checkpoints fail closed', () => {
  it.each([
    {
      what: 'an unknown storage class',
      storages: () => Buffer.concat([count(1), storageRecord('0', 'WeirdStorage'), Buffer.alloc(8), emptyList()]),
      code: 'UNSUPPORTED',
    },
    {
      what: 'a storage past the end',
      storages: () => Buffer.concat([count(1), storageRecord('0'), Buffer.from([0xff, 0xff, 0, 0, 0, 0, 0, 0])]),
      code: 'TRUNCATED',
    },
    { what: 'a storage count that is not an int', storages: () => Buffer.concat([emptyList(), emptyList()]), code: 'MALFORMED' },
  ])('$what', async ({ storages, code }) => {
    const f = await scanBytes(torchTar({ storages: storages() }));
    // An unknown class is also an unknown import: suspicious outranks error.
    expect(['error', 'suspicious']).toContain(f.verdict);
    expect(f.findings.map((x) => x.code)).toContain(code);
  });

  it('a V7 tar with a bad second header', async () => {
    const f = await scanBytes(
      buildTar([
        { name: 'a', data: emptyList(), format: 'v7' },
        { name: 'b', data: emptyList(), format: 'v7', checksum: 7 },
      ]),
    );
    expect(f.format).toBe('tar');
    expect(f.verdict).toBe('error');
  });
});
