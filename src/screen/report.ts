import { createHash } from 'node:crypto';
import { type Finding, verdictOf } from '../core/finding.js';
import type { ScanResult } from '../core/report-types.js';
import { maxSeverity } from '../core/severity.js';
import { NEURAL_CLEANSE } from '../detectors/backdoor/index.js';
import { TOOL_VERSION } from '../app/version.js';
import { ANOMALY_THRESHOLD } from './anomaly.js';
import { encodePng } from './png.js';
import type { ScreenResult } from './screen.js';

const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** What STRIP said about clean samples stamped with the recovered trigger. */
export interface StripConfirmation {
  /** Stamped samples whose entropy fell below the clean threshold. */
  flaggedRate: number;
  threshold: number;
  frr: number;
  confirmed: boolean;
}

/** The recovered trigger of `label` as PNGs: the mask, the pattern, and mask·pattern as stamped. */
export function triggerPngs(result: ScreenResult, label: number): Array<{ name: string; caption: string; png: Buffer }> {
  const [c, h, w] = result.imageShape;
  const { mask, pattern } = result.triggers[label];
  const stamped = pattern.map((v, i) => v * mask[i % (h * w)]);
  return [
    { name: `label-${label}-mask.png`, caption: `label ${label}: mask`, png: encodePng(mask, 1, h, w) },
    { name: `label-${label}-pattern.png`, caption: `label ${label}: pattern`, png: encodePng(pattern, c, h, w) },
    { name: `label-${label}-trigger.png`, caption: `label ${label}: mask × pattern`, png: encodePng(stamped, c, h, w) },
  ];
}

/** The `backdoor/neural-cleanse` finding: high with the suspected target, else info with the norms. */
export function neuralCleanseFinding(target: string, result: ScreenResult, extra: Record<string, unknown> = {}): Finding {
  const norms = result.triggers.map((t) => round(t.norm));
  const s = result.suspected;
  const details: Record<string, unknown> = {
    ...(s ? { suspectedTarget: s.label, anomalyIndex: round(s.anomalyIndex), maskNorm: round(s.maskNorm), attackSuccessRate: round(s.attackRate) } : {}),
    norms,
    anomalyIndices: result.anomaly.indices.map((i) => round(i)),
    flagged: result.anomaly.flagged,
    median: round(result.anomaly.median),
    mad: round(result.anomaly.mad),
    threshold: ANOMALY_THRESHOLD,
    reached: result.triggers.map((t) => t.reached),
    classes: result.classes,
    samples: result.samples,
    cleanAccuracy: round(result.cleanAccuracy),
    seed: result.options.seed,
    steps: result.options.steps,
    seconds: round(result.seconds, 1),
    ...extra,
  };
  const base = { ruleId: NEURAL_CLEANSE.id, target, references: NEURAL_CLEANSE.references, details };
  const normList = norms.map((n, l) => `${l}: ${n}`).join(', ');
  if (!s) {
    return {
      ...base,
      severity: 'info',
      message: `no label stands out: every mask norm is within ${ANOMALY_THRESHOLD} MADs of the median ${round(result.anomaly.median, 1)} on the small side (this is evidence, not proof, of a clean model)`,
      evidence: `mask L1 norms by label: ${normList}`,
    };
  }
  const others = result.anomaly.flagged.length > 1 ? `; also flagged: ${result.anomaly.flagged.slice(1).join(', ')}` : '';
  const strip = extra.strip as StripConfirmation | undefined;
  const confirmation = strip ? `; STRIP ${strip.confirmed ? 'confirms it' : 'does not confirm it'} (${round(strip.flaggedRate * 100, 1)}% of stamped clean samples look trojaned)` : '';
  return {
    ...base,
    severity: 'high',
    message: `label ${s.label} is reachable with an abnormally small trigger: mask norm ${round(s.maskNorm, 1)} against a median of ${round(result.anomaly.median, 1)} (anomaly index ${round(s.anomalyIndex, 2)} > ${ANOMALY_THRESHOLD}); suspected backdoor target${others}${confirmation}`,
    evidence: `mask L1 norms by label: ${normList}`,
  };
}

/** A one-file report in the REPORT.md contract for a screened model. */
export function screenReport(modelPath: string, modelBytes: Buffer, findings: Finding[], durationMs: number): ScanResult {
  const verdict = verdictOf(findings);
  return {
    schema: 'modelgate/report@1',
    tool: { name: 'modelgate', version: TOOL_VERSION },
    targets: [modelPath],
    summary: {
      files: 1,
      malicious: verdict === 'malicious' ? 1 : 0,
      suspicious: verdict === 'suspicious' ? 1 : 0,
      clean: verdict === 'clean' ? 1 : 0,
      error: verdict === 'error' ? 1 : 0,
      maxSeverity: findings.length > 0 ? findings.map((f) => f.severity).reduce(maxSeverity) : null,
      durationMs: Math.round(durationMs),
    },
    findings: [],
    files: [
      {
        path: modelPath,
        format: 'onnx',
        size: modelBytes.length,
        sha256: createHash('sha256').update(modelBytes).digest('hex'),
        sha256Source: 'computed',
        verdict,
        findings,
      },
    ],
  };
}
