import { type Finding, verdictOf } from '../../src/core/finding.js';
import type { FileResult, ScanResult, ScanSource } from '../../src/core/report-types.js';
import type { Severity } from '../../src/core/severity.js';

/** A finding about `target`: rule id and severity are what the policy reads. */
export function finding(target: string, ruleId: string, severity: Severity, extra: Partial<Finding> = {}): Finding {
  return { ruleId, severity, message: `${ruleId} seen in ${target}`, target, ...extra };
}

/** A fatal finding: the file was not fully read. */
export function fatal(target: string, code = 'TRUNCATED'): Finding {
  return finding(target, 'pickle/malformed-stream', 'low', { fatal: true, code, message: 'the stream ends before STOP' });
}

/** A file of the report; its verdict comes from its findings, as the engine derives it. */
export function file(path: string, format: string, findings: Finding[] = []): FileResult {
  return { path, format, size: 1024, verdict: verdictOf(findings), findings };
}

/** A hand-built scan result, with a summary that fits its files. */
export function scanResult(parts: { files?: FileResult[]; findings?: Finding[]; source?: ScanSource; targets?: string[] }): ScanResult {
  const files = parts.files ?? [];
  const count = (v: FileResult['verdict']) => files.filter((f) => f.verdict === v).length;
  return {
    schema: 'modelgate/report@1',
    tool: { name: 'modelgate', version: '0.1.0' },
    targets: parts.targets ?? [parts.source ? `hf:${parts.source.repo}` : 'model/'],
    ...(parts.source ? { source: parts.source } : {}),
    summary: {
      files: files.length,
      malicious: count('malicious'),
      suspicious: count('suspicious'),
      clean: count('clean'),
      error: count('error'),
      maxSeverity: null,
      durationMs: 1,
    },
    findings: parts.findings ?? [],
    files,
  };
}

/** A commit sha for Hub sources. */
export const SHA = '0123456789abcdef0123456789abcdef01234567';

/** A Hub source read at `revision` (a pinned sha unless told). */
export function hub(repo: string, revision: string = SHA, extra: Partial<ScanSource> = {}): ScanSource {
  return { repo, revision, commit: SHA, ...extra };
}

/** A typical safetensors repo: weights, config, tokenizer, README. */
export function safetensorsRepo(): FileResult[] {
  return [
    file('model.safetensors', 'safetensors'),
    file('config.json', 'hf-config'),
    file('tokenizer.json', 'json'),
    file('tokenizer_config.json', 'hf-tokenizer-config'),
    file('tokenizer.model', 'other'),
    file('README.md', 'text'),
  ];
}
