import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The registry's signing key: approvals are signed with it, and anyone can check them offline with the public half. */
export interface RegistryKey {
  privatePem: string;
  publicPem: string;
  path: string;
}

/**
 * The key in `DATA/keys/registry-key.pem`, made (ECDSA P-256, readable by the owner only) on
 * the first start. Back it up with the data folder: attestations already issued name it.
 */
export function loadRegistryKey(dataDir: string): RegistryKey {
  const dir = join(dataDir, 'keys');
  const path = join(dir, 'registry-key.pem');
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  }
  const privatePem = readFileSync(path, 'utf8');
  const publicPem = createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString();
  return { privatePem, publicPem, path };
}
