import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isModelgateError } from '../../src/core/errors.js';
import { loadPolicy, policyConfigDir } from '../../src/app/policy/index.js';

let root: string;

/** Writes a policy named `name` (its `name:` key says where it came from). */
function write(path: string, name: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `version: 1\nname: ${name}\n`);
  return path;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'modelgate-policy-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('loadPolicy: where the policy comes from', () => {
  const cases: { name: string; file?: boolean; env?: boolean; config?: boolean; want: string | undefined }[] = [
    { name: '--policy wins over everything', file: true, env: true, config: true, want: 'flag' },
    { name: 'MODELGATE_POLICY wins over the config folder', env: true, config: true, want: 'env' },
    { name: 'the config folder is the last resort', config: true, want: 'config' },
    { name: 'no policy anywhere gives undefined', want: undefined },
  ];

  it.each(cases)('$name', ({ file, env, config, want }) => {
    const flagFile = write(join(root, 'flag.yaml'), 'flag');
    const envFile = write(join(root, 'env.yaml'), 'env');
    const configDir = join(root, 'config', 'modelgate');
    if (config) write(join(configDir, 'policy.yaml'), 'config');
    const loaded = loadPolicy({ file: file ? flagFile : undefined, env: env ? { MODELGATE_POLICY: envFile } : {}, configDir });
    expect(loaded?.policy.name).toBe(want);
    if (want) expect(loaded?.path).toBe(want === 'flag' ? flagFile : want === 'env' ? envFile : join(configDir, 'policy.yaml'));
  });

  it('finds policy.yml too, and refuses to guess between policy.yaml and policy.yml', () => {
    const configDir = join(root, 'cfg');
    write(join(configDir, 'policy.yml'), 'yml');
    expect(loadPolicy({ env: {}, configDir })?.policy.name).toBe('yml');
    write(join(configDir, 'policy.yaml'), 'yaml');
    expect(() => loadPolicy({ env: {}, configDir })).toThrow(expect.objectContaining({ code: 'POLICY_INVALID' }));
  });

  it('reads the config folder from XDG_CONFIG_HOME, else HOME/.config', () => {
    write(join(root, 'xdg', 'modelgate', 'policy.yaml'), 'xdg');
    write(join(root, 'home', '.config', 'modelgate', 'policy.yaml'), 'home');
    expect(loadPolicy({ env: { XDG_CONFIG_HOME: join(root, 'xdg'), HOME: join(root, 'home') } })?.policy.name).toBe('xdg');
    expect(loadPolicy({ env: { HOME: join(root, 'home') } })?.policy.name).toBe('home');
    // The XDG spec says a relative XDG_CONFIG_HOME is invalid and is to be ignored.
    expect(policyConfigDir({ XDG_CONFIG_HOME: 'relative/dir', HOME: '/h' })).toBe(join('/h', '.config', 'modelgate'));
  });

  it('treats an empty MODELGATE_POLICY as unset', () => {
    expect(loadPolicy({ env: { MODELGATE_POLICY: '' }, configDir: join(root, 'none') })).toBeUndefined();
  });

  it.each([
    ['a missing --policy file', { file: 'missing.yaml' }, 'UNREADABLE'],
    ['a missing MODELGATE_POLICY file', { env: { MODELGATE_POLICY: 'missing.yaml' } }, 'UNREADABLE'],
    ['a folder given as the policy', { file: '.' }, 'UNREADABLE'],
  ] as const)('throws for %s', (_name, options, code) => {
    const resolved = { ...options, file: 'file' in options ? join(root, options.file) : undefined } as { file?: string; env?: NodeJS.ProcessEnv };
    if (resolved.env?.MODELGATE_POLICY) resolved.env = { MODELGATE_POLICY: join(root, resolved.env.MODELGATE_POLICY) };
    let error: unknown;
    try {
      loadPolicy({ ...resolved, configDir: join(root, 'none') });
    } catch (e) {
      error = e;
    }
    expect(isModelgateError(error, code)).toBe(true);
  });

  it('throws POLICY_INVALID for an invalid file, wherever it was found', () => {
    const bad = join(root, 'cfg', 'policy.yaml');
    mkdirSync(join(root, 'cfg'));
    writeFileSync(bad, 'version: 1\nmaxSeverty: high\n');
    for (const options of [{ file: bad }, { env: { MODELGATE_POLICY: bad } }, { env: {}, configDir: join(root, 'cfg') }]) {
      expect(() => loadPolicy(options)).toThrow(
        expect.objectContaining({ code: 'POLICY_INVALID', issues: [expect.objectContaining({ path: 'maxSeverty', line: 2 })] }),
      );
    }
  });

  it('throws POLICY_INVALID for a file too large to be a policy, without parsing it', () => {
    const big = join(root, 'big.yaml');
    writeFileSync(big, `version: 1\ndescription: "${'x'.repeat(1024 * 1024)}"\n`);
    expect(() => loadPolicy({ file: big })).toThrow(expect.objectContaining({ code: 'POLICY_INVALID' }));
  });
});

describe('loadPolicy: never from the scanned target', () => {
  it('ignores policy files inside a scanned folder, even when it is the working directory', () => {
    // A malicious repo ships a policy that allows everything; it must never be read.
    const repo = join(root, 'cloned-repo');
    const permissive = 'version: 1\nname: shipped-by-the-repo\nmaxSeverity: critical\nremoteCode: allow\n';
    mkdirSync(join(repo, '.modelgate'), { recursive: true });
    for (const name of ['policy.yaml', 'policy.yml', '.modelgate.yaml', '.modelgate.yml', '.modelgate/policy.yaml'])
      writeFileSync(join(repo, name), permissive);
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      expect(loadPolicy({ env: { HOME: join(root, 'empty-home') } })).toBeUndefined();
      expect(loadPolicy({ env: {}, configDir: join(root, 'empty-config') })).toBeUndefined();
    } finally {
      process.chdir(cwd);
    }
  });
});
