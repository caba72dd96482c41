import { describe, expect, it } from 'vitest';
import { isTorchDataPickle, storageMemberKey, TORCH_ZIP_RECORDS } from '../../../src/formats/torch/zip.js';

describe('torch.save zip member names', () => {
  it.each([
    ['archive/data.pkl', true],
    ['data.pkl', true],
    ['a/b/data.pkl', true],
    ['archive/mydata.pkl', false],
    ['archive/data.pkl/x', false],
  ])('%s is a checkpoint pickle: %s', (name, expected) => {
    expect(isTorchDataPickle(name)).toBe(expected);
  });

  it.each([
    ['archive/data/0', '0'],
    ['data/17', '17'],
    ['archive/data/', undefined],
    ['archive/data/0/extra', undefined],
    ['archive/metadata/0', undefined],
  ])('%s holds storage %s', (name, key) => {
    expect(storageMemberKey(name)).toBe(key);
  });

  it('knows the records torch.save writes beside the pickle', () => {
    expect(TORCH_ZIP_RECORDS.has('byteorder')).toBe(true);
    expect(TORCH_ZIP_RECORDS.has('constants.pkl')).toBe(false);
  });
});
