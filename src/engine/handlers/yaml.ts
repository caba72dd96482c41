import { BufferSource, type ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { Finding } from '../../core/finding.js';
import type { LocalCode } from '../../detectors/yaml/lib/grade.js';
import { localModuleFile } from '../../detectors/yaml/lib/grade.js';
import { YAML_RULES } from '../../detectors/yaml/index.js';
import type { YamlCodeRef } from '../../formats/yaml/model.js';
import { MAX_YAML_BYTES, mayHoldCode, readYamlConfig } from '../../formats/yaml/parse.js';
import type { ScanContext } from '../context.js';
import { checkModule } from './hfconfig.js';

/** The repo modules beside the config that references import, each scanned once. */
function localCode(refs: readonly YamlCodeRef[], ctx: ScanContext): Map<YamlCodeRef, LocalCode> {
  const byFile = new Map<string, LocalCode>();
  const local = new Map<YamlCodeRef, LocalCode>();
  for (const ref of refs) {
    const file = localModuleFile(ref.callable);
    if (!file || !ctx.sibling?.(file)) continue;
    let code = byFile.get(file);
    if (!code) {
      code = { file, verdict: checkModule({ file }, ctx) };
      byFile.set(file, code);
    }
    local.set(ref, code);
  }
  return local;
}

/**
 * Scans the bytes of a `!!binary` value as a member. YAML only decodes them to bytes: what
 * deserialises them is code elsewhere (or a python tag, which the yaml rules grade), so bytes
 * that are no readable model (a raw buffer, a broken stream) do not make the config unread:
 * their fatal findings are kept as info, as for a Python literal no code loads.
 */
function scanPayload(bytes: Buffer, where: string, ctx: ScanContext): void {
  const found: Finding[] = [];
  ctx.member(where).withFindings(found).scan(new BufferSource(bytes));
  for (const f of found) {
    ctx.findings.push(
      f.fatal ? { ...f, fatal: undefined, code: undefined, severity: 'info', message: `${f.message} (bytes of a !!binary value, which YAML only decodes)` } : f,
    );
  }
}

/**
 * Reads text as a YAML config when it may select code (PyYAML python tags, hyperpyyaml tags,
 * `_target_`/`target`, MLflow's loader_module, `!!binary`): every reference is graded by the
 * yaml rules, every `!!binary` value is scanned as a member named by its YAML path. Returns
 * `yaml-config` when the text is such a config, or undefined for text that is not YAML or selects
 * nothing (it stays plain text). Text with those markers past the limits is a fatal finding.
 */
export function scanYamlText(source: ByteSource, ctx: ScanContext): string | undefined {
  const head = source.read(0, Math.min(source.size, MAX_YAML_BYTES)).toString('utf8');
  if (!mayHoldCode(head)) return undefined;
  if (source.size > MAX_YAML_BYTES) {
    ctx.fatal(new ModelgateError('LIMIT_MEMBER_BYTES', `YAML text of ${source.size} bytes is over the ${MAX_YAML_BYTES}-byte limit`), 'YAML config not read');
    return 'yaml-config';
  }
  let config;
  try {
    config = readYamlConfig(head);
  } catch (e) {
    if (e instanceof ModelgateError && e.code === 'MALFORMED') return undefined;
    ctx.fatal(e, 'YAML config not read');
    return 'yaml-config';
  }
  if (config.refs.length === 0 && config.payloads.length === 0 && !config.codePaths && !config.incomplete) return undefined;
  ctx.runRules(YAML_RULES, { ...config, local: localCode(config.refs, ctx) });
  for (const p of config.payloads) scanPayload(p.bytes, p.where, ctx);
  if (config.incomplete) ctx.fatal(new ModelgateError(config.incomplete.code, config.incomplete.message), 'YAML config not read to its end');
  return 'yaml-config';
}

/**
 * Also reads content a weak protocol-0 pickle reading took as the YAML it may be: text whose
 * first byte is an opcode can be a whole pickle and a YAML config at once (`Va: !apply:os.system
 * [id]\n...\n` pushes a string and stops, and is a mapping ended by `...`). hyperpyyaml and PyYAML
 * read it by the path they are given, whatever the bytes look like, so both readings count; only
 * what the YAML reading finds is kept (its fatal findings say nothing about a pickle).
 */
export function alsoReadAsYaml(source: ByteSource, ctx: ScanContext, format: string | undefined): string | undefined {
  if (format === undefined || source.size > MAX_YAML_BYTES) return format;
  const head = source.read(0, 512);
  if (head.includes(0) || !mayHoldCode(source.read(0, source.size).toString('utf8'))) return format;
  const found: Finding[] = [];
  try {
    scanYamlText(source, ctx.withFindings(found));
  } catch {
    return format;
  }
  ctx.findings.push(...found.filter((f) => !f.fatal));
  return format;
}
