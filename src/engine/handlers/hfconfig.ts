import { BufferSource, type ByteSource } from '../../core/byte-source.js';
import type { Finding } from '../../core/finding.js';
import { severityRank } from '../../core/severity.js';
import { HFCONFIG_RULES, LIBRARY_CODE_RULES } from '../../detectors/hfconfig/index.js';
import { JINJA_RULES } from '../../detectors/jinja/index.js';
import { readLibraryCode } from '../../formats/hfconfig/library.js';
import type { CodeCommand, CodeVerdict, ConfigTemplate, LibraryCodeRef, RemoteModule } from '../../formats/hfconfig/model.js';
import { classifyHfJson, readHfConfig } from '../../formats/hfconfig/parse.js';
import { MAX_TEMPLATE_CHARS } from '../../formats/jinja/analyze.js';
import { chatTemplate, unreadableTemplate } from '../../formats/jinja/template.js';
import type { ContentScanner, ScanContext } from '../context.js';
import { moduleCommands } from './python.js';

/** Bytes of a config searched for the offset of a key, for finding locations. */
const MAX_LOCATE_BYTES = 16 * 1024 * 1024;

/** Offset of the first `"key"` in the raw JSON, when the file is small enough to search. */
function locate(source: ByteSource, key: string): number | undefined {
  if (source.size > MAX_LOCATE_BYTES) return undefined;
  const at = source.read(0, source.size).indexOf(`"${key}"`);
  return at < 0 ? undefined : at;
}

/** Scans the `.py` file of a module beside the config, into findings of its own. */
export function checkModule(
  m: Pick<RemoteModule, 'file' | 'repo'>,
  ctx: ScanContext,
  scanCode: ContentScanner = (code, codeCtx) => codeCtx.scan(code),
): CodeVerdict {
  if (m.repo) return { status: 'other-repo', reason: `it is fetched from another repo (${m.repo}) at load time` };
  const file = ctx.sibling?.(m.file);
  if (!file) return { status: 'absent', reason: `${m.file} is not beside the config` };
  if (file.size > ctx.limits.maxMemberBytes)
    return { status: 'unreadable', reason: `${m.file} is ${file.size} bytes, over the ${ctx.limits.maxMemberBytes}-byte limit` };
  const findings: Finding[] = [];
  // The .py is its own file in the report; its findings here only grade the config's finding.
  const target = ctx.target.slice(0, ctx.target.length - ctx.name.length) + m.file;
  let commands: CodeCommand[] | undefined;
  try {
    const bytes = file.read();
    scanCode(new BufferSource(bytes), ctx.detached(target, findings));
    commands = moduleCommands(bytes);
  } catch (e) {
    return { status: 'unreadable', reason: `${m.file} could not be read (${e instanceof Error ? e.message : String(e)})` };
  }
  const worst = findings.reduce<Finding | undefined>((a, f) => (a === undefined || severityRank(f.severity) > severityRank(a.severity) ? f : a), undefined);
  const stoppedEarly = findings.find((f) => f.fatal)?.code;
  const started = commands?.length ? { commands } : {};
  if (worst && severityRank(worst.severity) >= severityRank('medium')) {
    return { status: 'scanned', worst: { ruleId: worst.ruleId, severity: worst.severity, message: worst.message }, stoppedEarly, ...started };
  }
  return { status: 'scanned', stoppedEarly, ...started };
}

function templateOf(t: ConfigTemplate, offset: number | undefined) {
  return t.text !== undefined
    ? chatTemplate(t.where, t.text, offset)
    : unreadableTemplate(t.where, { code: 'MALFORMED', message: t.problem ?? 'not a template' }, 0, offset);
}

/**
 * Scans an already-parsed JSON document when its keys make it a Hugging Face config
 * (config.json, tokenizer_config.json, processor / preprocessor / generation configs,
 * chat_template.json): every module `auto_map` or `custom_pipelines` makes a loader import is
 * reported, its `.py` beside the config scanned with `scanCode` (the engine's dispatcher unless a test
 * gives another), and every chat template goes through the Jinja rules. Returns the format
 * (`hf-config`, `hf-tokenizer-config`, `hf-processor-config`, `hf-generation-config`,
 * `hf-chat-template`), or undefined for JSON that is none of these (the caller reports `json`).
 */
export function scanHfJson(
  doc: unknown,
  source: ByteSource,
  ctx: ScanContext,
  scanCode: ContentScanner = (code, codeCtx) => codeCtx.scan(code),
): string | undefined {
  const library = scanLibraryCode(doc, ctx, scanCode);
  const kind = classifyHfJson(doc, ctx.name);
  if (!kind) return library;
  const config = readHfConfig(doc as Record<string, unknown>, kind);
  const code = new Map<RemoteModule, CodeVerdict>();
  for (const m of config.modules) code.set(m, checkModule(m, ctx, scanCode));
  const keyOffsets =
    config.modules.length + config.invalidReferences.length > 0
      ? { auto_map: locate(source, 'auto_map'), custom_pipelines: locate(source, 'custom_pipelines') }
      : {};
  ctx.runRules(HFCONFIG_RULES, { ...config, code, keyOffsets });
  const templatesAt = config.templates.length > 0 ? locate(source, 'chat_template') : undefined;
  for (const t of config.templates) ctx.runRules(JINJA_RULES, templateOf(t, templatesAt));
  return kind;
}

/**
 * Reports the code other libraries' configs select (sentence-transformers modules.json, Dense and
 * CrossEncoder activations, Router types; diffusers model_index.json; PEFT auto_mapping), each
 * repo module beside the config scanned as auto_map's are. Returns `library-config` when the
 * document is such a config, whether or not a finding came of it.
 */
function scanLibraryCode(doc: unknown, ctx: ScanContext, scanCode: ContentScanner): string | undefined {
  const refs = readLibraryCode(doc);
  if (refs.length === 0) return undefined;
  const local = new Map<LibraryCodeRef, { file: string; verdict: CodeVerdict }>();
  const byFile = new Map<string, { file: string; verdict: CodeVerdict }>();
  for (const ref of refs) {
    if (!ref.file || !ctx.sibling?.(ref.file)) continue;
    let code = byFile.get(ref.file);
    if (!code) byFile.set(ref.file, (code = { file: ref.file, verdict: checkModule({ file: ref.file }, ctx, scanCode) }));
    local.set(ref, code);
  }
  ctx.runRules(LIBRARY_CODE_RULES, { refs, local });
  return 'library-config';
}

/**
 * Scans a chat template kept as its own file (`chat_template.jinja` and
 * `additional_chat_templates/*.jinja`, which transformers reads beside tokenizer_config.json)
 * with the Jinja rules. Returns `chat-template`.
 */
export function scanChatTemplateFile(source: ByteSource, ctx: ScanContext): string {
  // UTF-8 takes at most 4 bytes a character: a file past this cannot be within the limit.
  if (source.size > MAX_TEMPLATE_CHARS * 4) {
    ctx.runRules(
      JINJA_RULES,
      unreadableTemplate(ctx.name, { code: 'LIMIT_STRING', message: `template file of ${source.size} bytes is too long to analyse` }, source.size, 0),
    );
    return 'chat-template';
  }
  ctx.runRules(JINJA_RULES, chatTemplate(ctx.name, source.read(0, source.size).toString('utf8'), 0));
  return 'chat-template';
}
