import type { YamlCodeRef, YamlConfig, YamlConvention } from '../../../formats/yaml/model.js';
import type { RuleContext } from '../../types.js';
import { gradeCallable, type LocalCode } from './grade.js';

/** A YAML config with the verdict on each repo module its references import: the model the yaml rules check. */
export interface YamlConfigScan extends YamlConfig {
  local: Map<YamlCodeRef, LocalCode>;
}

/** Allow-listed references named in the one info finding before they are only counted. */
const MAX_NAMED = 5;

/**
 * Reports the references of one convention: each one outside the allow-list on its own,
 * graded by the callable it selects; the allow-listed ones together in one info finding.
 * `how` says which loader does what, e.g. `hyperpyyaml.load_hyperpyyaml calls it`.
 */
export function reportReferences(config: YamlConfigScan, convention: YamlConvention, how: (ref: YamlCodeRef) => string, ctx: RuleContext): void {
  const inert: YamlCodeRef[] = [];
  for (const ref of config.refs) {
    if (ref.convention !== convention) continue;
    const grade = gradeCallable(ref.callable, ref.action, config.local.get(ref));
    if (grade.inert) {
      inert.push(ref);
      continue;
    }
    ctx.report({
      severity: grade.severity,
      message: `${ref.via}:${ref.callable} at ${ref.where}: ${how(ref)}; ${grade.why}`,
      location: ref.offset === undefined ? undefined : { offset: ref.offset },
      evidence: ref.callable,
    });
  }
  if (inert.length === 0) return;
  const named = inert.slice(0, MAX_NAMED).map((r) => r.callable);
  if (inert.length > MAX_NAMED) named.push(`${inert.length - MAX_NAMED} more`);
  ctx.report({
    severity: 'info',
    message: `${inert.length} reference${inert.length > 1 ? 's' : ''} to well-known library classes (${named.join(', ')}): ${how(inert[0]!)}`,
    location: inert[0]!.offset === undefined ? undefined : { offset: inert[0]!.offset },
    evidence: inert[0]!.callable,
  });
}
