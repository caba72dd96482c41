import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { parsePythonJson } from '../../formats/json/python-json.js';
import type { ScanResult } from '../../core/report-types.js';
import type { VersionFilesTable } from '../../store/index.js';
import { getVersion, type RegistryContext } from './context.js';

/** Custom code shown per file, and files shown: enough to read, bounded for the page. */
const MAX_CODE_BYTES = 64 * 1024;
const MAX_CODE_FILES = 20;
/** Configs read for `auto_map`: configs are small; a bigger one is not a config a reviewer needs read here. */
const MAX_CONFIG_BYTES = 1024 * 1024;
/** Formats that are code a loader may import or run. */
const CODE_FORMATS = new Set(['python', 'notebook', 'jupyter-notebook']);

/** One finding as a reviewer reads it. */
export interface ReviewFinding {
  path: string;
  ruleId: string;
  severity: string;
  message: string;
  evidence?: string;
}

/** What a reviewer sees beside the verdict. */
export interface ReviewEvidence {
  findings: ReviewFinding[];
  /** The calls unpickling would make, decompiled (the pickle rules' evidence), by file. */
  pickleCalls: Array<{ path: string; calls: string[] }>;
  /** Code a loader would import or run (Python files, notebooks, files named by a config's auto_map), as text. */
  customCode: Array<{ path: string; text: string; truncated: boolean; why: string }>;
  /** Against the newest approved version of the same model, when there is one. */
  diff?: {
    against: string;
    added: string[];
    removed: string[];
    changed: string[];
    newFindings: ReviewFinding[];
    goneFindings: ReviewFinding[];
  };
}

function findingsOf(report: ScanResult | undefined): ReviewFinding[] {
  if (!report) return [];
  const all: ReviewFinding[] = report.findings.map((f) => ({ path: '', ruleId: f.ruleId, severity: f.severity, message: f.message, evidence: f.evidence }));
  for (const file of report.files)
    for (const f of file.findings) all.push({ path: file.path, ruleId: f.ruleId, severity: f.severity, message: f.message, evidence: f.evidence });
  return all;
}

function head(path: string): { text: string; truncated: boolean } {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(MAX_CODE_BYTES + 1);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return { text: buf.subarray(0, Math.min(n, MAX_CODE_BYTES)).toString('utf8'), truncated: n > MAX_CODE_BYTES };
  } finally {
    closeSync(fd);
  }
}

/** Python modules a config's `auto_map` selects (`"AutoModel": "modeling_x.XModel"` → modeling_x.py), as paths. */
function autoMapModules(ctx: RegistryContext, files: readonly VersionFilesTable[]): Map<string, string> {
  const selected = new Map<string, string>();
  for (const f of files) {
    if (!/(^|\/)[^/]*config\.json$/.test(f.path) || f.size > MAX_CONFIG_BYTES) continue;
    let parsed: unknown;
    try {
      // The whole file, read as Python's json module reads it (NaN, Infinity), as transformers does.
      parsed = parsePythonJson(readFileSync(ctx.blobs.path(f.sha256), 'utf8'));
    } catch {
      continue;
    }
    const autoMap = (parsed as { auto_map?: Record<string, unknown> } | null)?.auto_map;
    if (!autoMap || typeof autoMap !== 'object') continue;
    const dir = f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/') + 1) : '';
    for (const value of Object.values(autoMap).flat()) {
      if (typeof value !== 'string') continue;
      // `repo--module.Class` names another repo's code: shown by name, it is not in this version.
      const ref = value.includes('--') ? value.slice(value.indexOf('--') + 2) : value;
      const module = ref.slice(0, ref.lastIndexOf('.'));
      if (module) selected.set(`${dir}${module.replace(/\./g, '/')}.py`, `selected by ${f.path} auto_map (${value})`);
    }
  }
  return selected;
}

/** The evidence a reviewer needs for a version: findings, decompiled calls, custom code, and the diff from the last approval. */
export async function reviewEvidence(ctx: RegistryContext, id: string): Promise<ReviewEvidence> {
  const db = ctx.db.kysely;
  const version = await getVersion(db, id);
  const report = version.report ? (JSON.parse(version.report) as ScanResult) : undefined;
  const files = await db.selectFrom('version_files').selectAll().where('version_id', '=', id).orderBy('path').execute();
  const findings = findingsOf(report);
  const pickleCalls = (report?.files ?? [])
    .map((f) => ({ path: f.path, calls: [...new Set(f.findings.filter((x) => x.ruleId.startsWith('pickle/') && x.evidence).map((x) => x.evidence!))] }))
    .filter((f) => f.calls.length > 0);
  const formats = new Map((report?.files ?? []).map((f) => [f.path, f.format]));
  const selected = autoMapModules(ctx, files);
  const customCode: ReviewEvidence['customCode'] = [];
  for (const f of files) {
    const why =
      selected.get(f.path) ??
      (CODE_FORMATS.has(formats.get(f.path) ?? '') || /\.(py|ipynb)$/.test(f.path) ? `${formats.get(f.path) ?? 'code'} file` : undefined);
    if (!why || customCode.length >= MAX_CODE_FILES) continue;
    customCode.push({ path: f.path, why, ...head(ctx.blobs.path(f.sha256)) });
  }
  for (const [path, why] of selected)
    if (!files.some((f) => f.path === path)) customCode.push({ path, why: `${why}; not in this version`, text: '', truncated: false });
  const previous = await db
    .selectFrom('versions')
    .select(['id', 'report'])
    .where('model_id', '=', version.model_id)
    .where('state', '=', 'approved')
    .where('id', '!=', id)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  let diff: ReviewEvidence['diff'];
  if (previous) {
    const before = new Map(
      (await db.selectFrom('version_files').select(['path', 'sha256']).where('version_id', '=', previous.id).execute()).map((f) => [f.path, f.sha256]),
    );
    const now = new Map(files.map((f) => [f.path, f.sha256]));
    const key = (f: ReviewFinding): string => `${f.path}\0${f.ruleId}\0${f.evidence ?? f.message}`;
    const old = findingsOf(previous.report ? (JSON.parse(previous.report) as ScanResult) : undefined);
    const oldKeys = new Set(old.map(key));
    const newKeys = new Set(findings.map(key));
    diff = {
      against: previous.id,
      added: [...now.keys()].filter((p) => !before.has(p)),
      removed: [...before.keys()].filter((p) => !now.has(p)),
      changed: [...now.keys()].filter((p) => before.has(p) && before.get(p) !== now.get(p)),
      newFindings: findings.filter((f) => !oldKeys.has(key(f))),
      goneFindings: old.filter((f) => !newKeys.has(key(f))),
    };
  }
  return { findings, pickleCalls, customCode, diff };
}
