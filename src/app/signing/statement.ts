import { createHash } from 'node:crypto';
import { ModelgateError } from '../../core/errors.js';
import { itemAlgorithm, PREDICATE_TYPE, PREDICATE_TYPE_V01, STATEMENT_TYPE, type Manifest, type Method, type Resource, type Serialization } from './model.js';
import { checkRelative, parseShardName } from './paths.js';

const HEX64 = /^[0-9a-f]{64}$/;

/** What a verified statement says the model is. */
export interface SignedManifest {
  predicateType: typeof PREDICATE_TYPE | typeof PREDICATE_TYPE_V01;
  /** The subject's name (the signer's folder name; informative only, never compared). */
  modelName?: string;
  serialization: Serialization;
  resources: Resource[];
}

const bad = (message: string): ModelgateError => new ModelgateError('SIGNATURE_INVALID', message);

/**
 * The subject digest: SHA-256 over the raw digests of every resource, in the order they are
 * listed (the reference lists them in canonical order and verifies in listed order).
 */
export function rootDigest(resources: readonly Resource[]): string {
  const h = createHash('sha256');
  for (const r of resources) h.update(Buffer.from(r.digest, 'hex'));
  return h.digest('hex');
}

/** The in-toto statement for a manifest, field by field as the reference writes it. */
export function buildStatement(manifest: Manifest): Record<string, unknown> {
  const s = manifest.serialization;
  const serialization: Record<string, unknown> = { method: s.method, hash_type: s.hashType };
  if (s.method === 'shards') serialization.shard_size = s.shardSize;
  serialization.allow_symlinks = s.allowSymlinks;
  serialization.ignore_paths = s.ignorePaths ?? [];
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: manifest.modelName, digest: { sha256: rootDigest(manifest.resources) } }],
    predicateType: PREDICATE_TYPE,
    predicate: {
      serialization,
      resources: manifest.resources.map((r) => ({ name: r.name, algorithm: r.algorithm, digest: r.digest })),
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseSerialization(v: unknown): Serialization {
  if (!isObject(v)) throw bad('the predicate has no serialization');
  const method = v.method;
  if (method !== 'files' && method !== 'shards')
    throw new ModelgateError('UNSUPPORTED', `serialization method ${JSON.stringify(method)} is not supported (files, shards)`);
  if (v.hash_type !== 'sha256') throw new ModelgateError('UNSUPPORTED', `hash type ${JSON.stringify(v.hash_type)} is not supported (only sha256 is verified)`);
  // The v0.2-era compat manifest has "false" as a string; anything but false means links were followed.
  if (v.allow_symlinks !== false)
    throw new ModelgateError('UNSUPPORTED', 'the signature was made following symbolic links (allow_symlinks), which modelgate never does');
  const s: Serialization = { method: method as Method, hashType: 'sha256', allowSymlinks: false };
  if (method === 'shards') {
    if (typeof v.shard_size !== 'number' || !Number.isSafeInteger(v.shard_size) || v.shard_size <= 0)
      throw bad('a shards serialization needs a positive shard_size');
    s.shardSize = v.shard_size;
  }
  if (v.ignore_paths !== undefined) {
    if (!Array.isArray(v.ignore_paths) || !v.ignore_paths.every((p) => typeof p === 'string')) throw bad('ignore_paths is not a list of paths');
    s.ignorePaths = (v.ignore_paths as string[]).map((p) => checkRelative(p.replace(/\/+$/, ''), 'ignore path'));
  }
  return s;
}

function parseResources(v: unknown, s: Serialization): Resource[] {
  if (!Array.isArray(v)) throw bad('the predicate has no resources list');
  const want = itemAlgorithm(s);
  const seen = new Set<string>();
  return v.map((r, i) => {
    if (!isObject(r) || typeof r.name !== 'string' || typeof r.algorithm !== 'string' || typeof r.digest !== 'string')
      throw bad(`resource #${i} is not {name, algorithm, digest}`);
    if (r.algorithm !== want) throw bad(`resource ${r.name} has algorithm ${r.algorithm}; a ${s.method} manifest uses ${want}`);
    if (!HEX64.test(r.digest)) throw bad(`resource ${r.name} has a digest that is not 64 lowercase hex digits`);
    let name = r.name;
    if (s.method === 'shards') {
      const shard = parseShardName(r.name);
      if (!shard) throw bad(`resource ${r.name} is not path:start:end`);
      name = `${checkRelative(shard.path, 'resource')}:${shard.start}:${shard.end}`;
    } else name = checkRelative(r.name, 'resource');
    if (seen.has(name)) throw bad(`resource ${name} is listed twice`);
    seen.add(name);
    return { name, algorithm: r.algorithm, digest: r.digest };
  });
}

/** v0.2: the files are the subjects (`digest.sha256`), serialized by file with SHA-256. */
function parseV01(statement: Record<string, unknown>): SignedManifest {
  const serialization: Serialization = { method: 'files', hashType: 'sha256', allowSymlinks: false };
  const resources = parseResources(
    (statement.subject as unknown[]).map((s) => (isObject(s) && isObject(s.digest) ? { name: s.name, algorithm: 'sha256', digest: s.digest.sha256 } : s)),
    serialization,
  );
  return { predicateType: PREDICATE_TYPE_V01, serialization, resources };
}

/**
 * Reads a verified DSSE payload into the manifest it signs. Fails closed: an unknown statement
 * or predicate type, a subject digest that does not match the resources, a repeated or unsafe
 * resource name, or an unsupported serialization is an error.
 */
export function parseStatement(payload: Buffer): SignedManifest {
  let statement: unknown;
  try {
    statement = JSON.parse(payload.toString('utf8'));
  } catch (e) {
    throw new ModelgateError('SIGNATURE_INVALID', 'the signed payload is not JSON', { cause: e });
  }
  if (!isObject(statement)) throw bad('the signed payload is not an in-toto statement');
  if (statement._type !== STATEMENT_TYPE) throw bad(`statement type ${JSON.stringify(statement._type)} is not ${STATEMENT_TYPE}`);
  if (!Array.isArray(statement.subject)) throw bad('the statement has no subject list');
  if (statement.predicateType === PREDICATE_TYPE_V01) return parseV01(statement);
  if (statement.predicateType !== PREDICATE_TYPE)
    throw bad(`predicate type ${JSON.stringify(statement.predicateType)} is not ${PREDICATE_TYPE} (or ${PREDICATE_TYPE_V01})`);
  if (statement.subject.length !== 1) throw bad(`the statement has ${statement.subject.length} subjects; a model signature has one`);
  const subject = statement.subject[0];
  if (!isObject(subject) || !isObject(subject.digest) || typeof subject.digest.sha256 !== 'string') throw bad('the subject has no sha256 digest');
  const predicate = statement.predicate;
  if (!isObject(predicate)) throw bad('the statement has no predicate');
  const serialization = parseSerialization(predicate.serialization);
  const resources = parseResources(predicate.resources, serialization);
  const computed = rootDigest(resources);
  if (computed !== subject.digest.sha256) throw bad(`the subject digest ${subject.digest.sha256} is not the digest of the listed resources (${computed})`);
  return { predicateType: PREDICATE_TYPE, modelName: typeof subject.name === 'string' ? subject.name : undefined, serialization, resources };
}
