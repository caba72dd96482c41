import { describe, expect, it } from 'vitest';
import { isModelgateError } from '../../src/core/errors.js';
import { hubConfig } from '../../src/sources/hf/config.js';
import { isHubTarget, parseHubRef } from '../../src/sources/hf/ref.js';

const SHA = 'a'.repeat(40);

describe('parseHubRef', () => {
  it.each([
    ['hf:org/name', { repo: 'org/name', revision: 'main', pinned: false }],
    ['hf:org/name@v1.0', { repo: 'org/name', revision: 'v1.0', pinned: false }],
    [`hf:org/name@${SHA}`, { repo: 'org/name', revision: SHA, pinned: true }],
    ['hf://org/name@dev', { repo: 'org/name', revision: 'dev', pinned: false }],
    ['hf://models/org/name', { repo: 'org/name', revision: 'main', pinned: false }],
    ['https://huggingface.co/org/name', { repo: 'org/name', revision: 'main', pinned: false }],
    [`https://huggingface.co/org/name/tree/${SHA}`, { repo: 'org/name', revision: SHA, pinned: true }],
    ['https://huggingface.co/org/name/blob/main/config.json', { repo: 'org/name', revision: 'main', pinned: false }],
    ['https://huggingface.co/org/Name.v2/resolve/refs%2Fpr%2F1/x.bin', { repo: 'org/Name.v2', revision: 'refs/pr/1', pinned: false }],
  ])('%s', (input, want) => {
    expect(parseHubRef(input)).toEqual(want);
  });

  it.each([
    'hf:org',
    'hf:org/name/extra',
    'hf:org/na me',
    'hf:org/name@',
    'hf:-org/name',
    'hf:org/na--me',
    'hf:org/name@../x',
    'https://huggingface.co/datasets/org/name',
    'https://huggingface.co/org',
    'https://huggingface.co/org/name/tree/%E0%A4%A',
  ])('refuses %s as a usage error', (input) => {
    let error: unknown;
    try {
      parseHubRef(input);
    } catch (e) {
      error = e;
    }
    expect(isModelgateError(error, 'USAGE')).toBe(true);
  });

  it('tells Hub targets from paths', () => {
    expect(isHubTarget('hf:org/name')).toBe(true);
    expect(isHubTarget('https://huggingface.co/org/name')).toBe(true);
    expect(isHubTarget('./hf:org')).toBe(false);
    expect(isHubTarget('models/org/name')).toBe(false);
  });
});

describe('hubConfig', () => {
  it('reads the official clients’ variables', () => {
    const c = hubConfig({ HF_ENDPOINT: 'http://127.0.0.1:9/', HF_TOKEN: 't1', HUGGING_FACE_HUB_TOKEN: 't2', HF_HUB_OFFLINE: '1', HF_HOME: '/h' });
    expect(c).toEqual({ endpoint: 'http://127.0.0.1:9', token: 't1', offline: true, cacheDir: '/h/modelgate' });
  });
  it('falls back to HUGGING_FACE_HUB_TOKEN, then the token file, and defaults', () => {
    expect(hubConfig({ HUGGING_FACE_HUB_TOKEN: 't2', HF_HOME: '/nonexistent' }).token).toBe('t2');
    const c = hubConfig({ HF_HOME: '/nonexistent', XDG_CACHE_HOME: '/x' });
    expect(c.endpoint).toBe('https://huggingface.co');
    expect(c.token).toBeUndefined();
    expect(c.offline).toBe(false);
    expect(hubConfig({ XDG_CACHE_HOME: '/x' }).cacheDir).toBe('/x/huggingface/modelgate');
  });
});
