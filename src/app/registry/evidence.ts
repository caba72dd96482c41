import { createHash } from 'node:crypto';
import type { ScanResult } from '../../core/report-types.js';
import type { VersionFilesTable, VersionsTable } from '../../store/index.js';
import { buildBom } from '../bom/build.js';
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

/**
 * The evidence an approval issues, stored with the version and downloadable: the scan report
 * and the CycloneDX ML-BOM it was judged on.
 */
export async function issueEvidence(
  ctx: RegistryContext,
  version: VersionsTable,
  files: readonly VersionFilesTable[],
  report: ScanResult,
  approvers: readonly string[],
): Promise<EvidenceItem[]> {
  void files;
  void approvers;
  const [group, name] = version.model_id.split('/');
  const bom = buildBom({
    scan: report,
    name: name ?? version.model_id,
    group,
    version: version.source_commit ?? version.root_digest ?? undefined,
    timestamp: ctx.now(),
  });
  return [item('report', report), item('bom', bom)];
}
