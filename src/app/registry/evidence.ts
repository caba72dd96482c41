import { createHash } from 'node:crypto';
import type { ScanResult } from '../../core/report-types.js';
import type { VersionFilesTable, VersionsTable } from '../../store/index.js';
import { readFileSync } from 'node:fs';
import { buildBom, type BomAncestor } from '../bom/build.js';
import { MAX_CARD_BYTES, readCard, readConfig } from '../bom/card.js';
import { buildVsa, signModelDigests, signVsa } from '../signing/index.js';
import { TOOL_VERSION } from '../version.js';
import type { RegistryContext } from './context.js';

/** One piece of stored evidence of an approval. */
export interface EvidenceItem {
  kind: string;
  body: string;
  sha256: string;
}

function item(kind: string, value: unknown): EvidenceItem {
  const body = JSON.stringify(value, null, 2);
  return { kind, body, sha256: createHash('sha256').update(body).digest('hex') };
}

/** The policy a verdict was judged by, as a VSA names it: the configured file, or the registry default. */
export const DEFAULT_POLICY_URI = 'urn:modelgate:policy:registry-default';
/** What the default policy is, hashed so that the VSA's digest names this text. */
const DEFAULT_POLICY_TEXT = 'modelgate registry default: deny any file whose verdict is malicious or error; four-eyes approval';

/** Custom VSA levels (the spec reserves `SLSA_` for its own): what an approval verified. */
const VERIFIED_LEVELS = ['MODELGATE_SCANNED', 'MODELGATE_POLICY_PASSED', 'MODELGATE_FOUR_EYES_APPROVED'];

/** A top-level text file of the version (the card, the config) when it is small enough to read. */
function topLevelText(ctx: RegistryContext, files: readonly VersionFilesTable[], name: string): string | undefined {
  const file = files.find((f) => f.path === name);
  return file && file.size <= MAX_CARD_BYTES ? readFileSync(ctx.blobs.path(file.sha256), 'utf8') : undefined;
}

/** The registry's base URL for URIs in evidence; a URN when it has none. */
function base(ctx: RegistryContext): string {
  return (ctx.config.publicUrl ?? 'urn:modelgate:registry').replace(/\/+$/, '');
}

/**
 * The evidence an approval issues, stored with the version and downloadable: the scan report,
 * the CycloneDX ML-BOM, an OpenSSF model signature over the files' digests, and a SLSA
 * Verification Summary Attestation naming the policy and the report and BOM as its inputs,
 * both signed with the registry's key so anyone can check them offline with its public key.
 */
export async function issueEvidence(
  ctx: RegistryContext,
  version: VersionsTable,
  files: readonly VersionFilesTable[],
  report: ScanResult,
  approvers: readonly string[],
  lineage: BomAncestor[],
): Promise<EvidenceItem[]> {
  const at = ctx.now();
  const [group, name] = version.model_id.split('/');
  const digests = files.map((f) => ({ path: f.path, sha256: f.sha256 }));
  const card = topLevelText(ctx, files, 'README.md');
  const config = topLevelText(ctx, files, 'config.json');
  const bom = buildBom({
    scan: report,
    name: name ?? version.model_id,
    group,
    version: version.source_commit ?? version.root_digest ?? undefined,
    timestamp: at,
    lineage,
    card: card === undefined ? undefined : readCard(card),
    config: config === undefined ? undefined : readConfig(config),
  });
  const reportItem = item('report', report);
  const bomItem = item('bom', bom);
  const signature = signModelDigests(digests, ctx.key.privatePem, { modelName: version.model_id });
  const url = base(ctx);
  const evidenceUri = (kind: string): string => `${url}/api/versions/${version.id}/attestations/${kind}`;
  const policy = ctx.policy
    ? { uri: `file://${ctx.policy.path}`, digest: ctx.policyDigest ?? '' }
    : { uri: DEFAULT_POLICY_URI, digest: createHash('sha256').update(DEFAULT_POLICY_TEXT).digest('hex') };
  const statement = buildVsa({
    files: digests,
    verifierId: `${url}/verifier`,
    verifierVersion: { modelgate: TOOL_VERSION, engine: version.provenance_key ?? 'unknown' },
    timeVerified: at,
    resourceUri: `${url}/models/${version.model_id}/versions/${version.id}`,
    policy,
    inputAttestations: [
      { uri: evidenceUri('report'), digest: reportItem.sha256 },
      { uri: evidenceUri('bom'), digest: bomItem.sha256 },
    ],
    verificationResult: 'PASSED',
    verifiedLevels: VERIFIED_LEVELS,
  });
  void approvers;
  return [reportItem, bomItem, item('model-signature', signature.bundle), item('vsa', signVsa(statement, ctx.key.privatePem))];
}
