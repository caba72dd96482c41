import { ModelgateError } from '../../core/errors.js';
import type { Finding } from '../../core/finding.js';
import { NEURAL_CLEANSE, STRIP } from '../../detectors/backdoor/index.js';
import { ruleFinding } from '../../detectors/finding.js';
import { ANOMALY_THRESHOLD } from './anomaly.js';
import { dimsOf } from './interpreter/tensor.js';
import { encodePng } from './png.js';
import type { ScreenResult } from './screen.js';
import type { StripConfirmation, StripOptions, StripResult } from './strip.js';

const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** The recovered trigger of `label` as PNGs: the mask, the pattern, and mask·pattern as stamped. */
export function triggerPngs(result: ScreenResult, label: number): Array<{ name: string; caption: string; png: Buffer }> {
  const [c, h, w] = dimsOf('images', result.imageShape, 3);
  const trigger = result.triggers[label];
  if (!trigger) throw new ModelgateError('USAGE', `no trigger was found for label ${label}`);
  const { mask, pattern } = trigger;
  // The mask has h·w values, shared by the c planes of the pattern.
  const stamped = pattern.map((v, i) => v * mask[i % (h * w)]!);
  return [
    { name: `label-${label}-mask.png`, caption: `label ${label}: mask`, png: encodePng(mask, 1, h, w) },
    { name: `label-${label}-pattern.png`, caption: `label ${label}: pattern`, png: encodePng(pattern, c, h, w) },
    { name: `label-${label}-trigger.png`, caption: `label ${label}: mask × pattern`, png: encodePng(stamped, c, h, w) },
  ];
}

/** The `backdoor/neural-cleanse` finding: high with the suspected target, else graded to info with the norms. */
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
  const evidence = `mask L1 norms by label: ${norms.map((n, l) => `${l}: ${n}`).join(', ')}`;
  let finding: Finding;
  if (!s) {
    finding = ruleFinding(NEURAL_CLEANSE, target, {
      severity: 'info',
      message: `no label stands out: every mask norm is within ${ANOMALY_THRESHOLD} MADs of the median ${round(result.anomaly.median, 1)} on the small side (this is evidence, not proof, of a clean model)`,
      evidence,
    });
  } else {
    const others = result.anomaly.flagged.length > 1 ? `; also flagged: ${result.anomaly.flagged.slice(1).join(', ')}` : '';
    const strip = extra.strip as StripConfirmation | undefined;
    const confirmation = strip
      ? `; STRIP ${strip.confirmed ? 'confirms it' : 'does not confirm it'} (${round(strip.flaggedRate * 100, 1)}% of stamped clean samples look trojaned)`
      : '';
    finding = ruleFinding(NEURAL_CLEANSE, target, {
      message: `label ${s.label} is reachable with an abnormally small trigger: mask norm ${round(s.maskNorm, 1)} against a median of ${round(result.anomaly.median, 1)} (anomaly index ${round(s.anomalyIndex, 2)} > ${ANOMALY_THRESHOLD}); suspected backdoor target${others}${confirmation}`,
      evidence,
    });
  }
  finding.details = details;
  return finding;
}

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

/** The `backdoor/strip` finding about `inputs` screened inputs: high when some look trojaned, else graded to info. */
export function stripFinding(target: string, result: StripResult, options: StripOptions, inputs: number): Finding {
  const m = result.measured;
  const rates = m ? `; measured FRR ${pct(m.frr)} on ${m.clean} clean inputs, FAR ${pct(m.far)} on ${m.trojaned} trojaned` : '';
  const flagged = result.flagged.length > 0;
  const finding = ruleFinding(STRIP, target, {
    severity: flagged ? undefined : 'info',
    message: flagged
      ? `${result.flagged.length} of ${inputs} inputs look trojaned: their predictions stay certain when blended with clean images (entropy below ${result.threshold.toFixed(4)}, set at FRR ${pct(options.frr)})${rates}`
      : `no input looks trojaned (entropy threshold ${result.threshold.toFixed(4)} at FRR ${pct(options.frr)})${rates}`,
    evidence: flagged ? `flagged inputs: ${result.flagged.slice(0, 50).join(', ')}${result.flagged.length > 50 ? ', …' : ''}` : undefined,
  });
  finding.details = {
    threshold: result.threshold,
    frr: options.frr,
    overlays: options.overlays,
    seed: options.seed,
    flagged: result.flagged,
    entropies: result.entropies.map((e) => Math.round(e * 1e4) / 1e4),
    ...(m ? { measured: m } : {}),
  };
  return finding;
}
