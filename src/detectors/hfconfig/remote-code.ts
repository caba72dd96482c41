import { severityRank, type Severity } from '../../core/severity.js';
import type { CodeCommand, CodeVerdict, HfConfigScan, RemoteModule } from '../../formats/hfconfig/model.js';
import type { Rule } from '../types.js';

/** Classes named in one message before they are only counted. */
const MAX_USES = 6;

function usesOf(m: RemoteModule): string {
  const uses = m.uses.slice(0, MAX_USES).map((u) => `${u.where} → ${u.className}`);
  if (m.uses.length > MAX_USES) uses.push(`${m.uses.length - MAX_USES} more`);
  return uses.join(', ');
}

/**
 * Modelling code has no reason to start processes: one that runs on import is high (loading
 * the model runs it), one inside a function medium.
 */
function commandGrade(m: Pick<RemoteModule, 'file'>, commands: readonly CodeCommand[]): { severity: Severity; why: string } | undefined {
  const first = commands.find((c) => c.onImport) ?? commands[0];
  if (!first) return undefined;
  const more = commands.length > 1 ? ` and ${commands.length - 1} more` : '';
  const when = first.onImport ? 'as soon as it is imported, so loading the model runs it' : 'from a function';
  return { severity: first.onImport ? 'high' : 'medium', why: `${m.file} starts a process ${when}: ${first.via}('${first.text}') at ${first.where}${more}` };
}

/**
 * The grade of a module a config makes a loader import, from the verdict on its code: as severe
 * as its worst finding or the processes it starts, medium when it cannot be read, low otherwise.
 */
export function graded(m: Pick<RemoteModule, 'file'>, code: CodeVerdict | undefined): { severity: Severity; why: string } {
  if (!code) return { severity: 'medium', why: 'its code was not looked for' };
  if (code.status !== 'scanned') return { severity: 'medium', why: `${code.reason}, so the code that would run cannot be read` };
  const commands = commandGrade(m, code.commands ?? []);
  if (code.worst && !(commands && severityRank(commands.severity) > severityRank(code.worst.severity))) {
    return { severity: code.worst.severity, why: `${m.file} has ${code.worst.ruleId} (${code.worst.severity}): ${code.worst.message}` };
  }
  if (commands) return commands;
  const early = code.stoppedEarly ? `; the analysis of ${m.file} stopped early (${code.stoppedEarly})` : '';
  return { severity: 'low', why: `${m.file} was scanned and shows nothing above low${early}; the policy gate decides whether to allow remote code` };
}

function locationOf(config: HfConfigScan, where: string): { offset: number } | undefined {
  const offset = config.keyOffsets[where.startsWith('custom_pipelines') ? 'custom_pipelines' : 'auto_map'];
  return offset === undefined ? undefined : { offset };
}

/** Configs whose loading imports Python from the repo (`trust_remote_code=True`). */
export const remoteCode: Rule<HfConfigScan> = {
  meta: {
    id: 'hfconfig/remote-code',
    defaultSeverity: 'low',
    title: 'Hugging Face config loads custom code (trust_remote_code)',
    description:
      'auto_map or custom_pipelines in a config.json, tokenizer_config.json, processor or generation config names Python modules that transformers imports and runs when the model is loaded with trust_remote_code=True. Each module is reported. When its .py file is beside the config it is scanned: ordinary code leaves the finding low (advice: loading needs trust_remote_code), code with findings makes it as severe as the worst of them, and code that starts a process (os.system, subprocess…) makes it high when that runs on import and medium when it is inside a function. A module that is not beside the config, or lives in another repo (repo--module.Class), is medium: the code that would run cannot be read. Entries that name no module and class are medium too.',
    docs: 'docs/rules/hfconfig-remote-code.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-94', 'CWE-829'],
  },
  check(config, ctx) {
    for (const m of config.modules) {
      const { severity, why } = graded(m, config.code.get(m));
      const from = m.repo ? ` from the repo ${m.repo}` : '';
      ctx.report({
        severity,
        message: `loading imports ${m.file}${from} (${usesOf(m)}), which needs trust_remote_code=True; ${why}`,
        location: locationOf(config, m.uses[0]!.where),
        evidence: m.uses[0]!.reference,
      });
    }
    for (const bad of config.invalidReferences) {
      ctx.report({
        severity: 'medium',
        message: `${bad.where} is ${bad.value}, not a module.Class reference: what code a loader would import cannot be told`,
        location: locationOf(config, bad.where),
        evidence: bad.value,
      });
    }
  },
};
