import type { ByteSource } from '../../core/byte-source.js';
import { GGUF_RULES } from '../../detectors/gguf/index.js';
import { JINJA_RULES } from '../../detectors/jinja/index.js';
import { templateInjection } from '../../detectors/jinja/template-injection.js';
import type { GgufKv } from '../../formats/gguf/model.js';
import { parseGguf } from '../../formats/gguf/parse.js';
import { chatTemplate, unreadableTemplate } from '../../formats/jinja/template.js';
import type { ScanContext } from '../context.js';

export { isGguf } from '../../formats/gguf/parse.js';

/** llama.cpp reads `tokenizer.chat_template` and named variants `tokenizer.chat_template.<name>`. */
function isChatTemplateKey(key: string): boolean {
  return key === 'tokenizer.chat_template' || key.startsWith('tokenizer.chat_template.');
}

/** Another string value that holds Jinja syntax: analysed too when it parses as a template. */
function looksLikeJinja(kv: GgufKv): boolean {
  return typeof kv.value === 'string' && (kv.value.includes('{{') || kv.value.includes('{%'));
}

/**
 * Scans a GGUF file: reads the header (never the tensor data), runs the GGUF rules, and checks
 * every chat template in the metadata with the Jinja rules (CVE-2024-34359). Returns `gguf`;
 * a header that breaks is a fatal `gguf/malformed` finding, and what was read before it is
 * still checked.
 */
export function scanGguf(source: ByteSource, ctx: ScanContext): string {
  const file = parseGguf(source);
  ctx.runRules(GGUF_RULES, file);
  for (const kv of file.kvs) {
    if (kv.type !== 'string') continue;
    if (isChatTemplateKey(kv.key)) {
      const bytes = kv.stringBytes ?? 0;
      const template =
        typeof kv.value === 'string'
          ? chatTemplate(kv.key, kv.value, kv.valueOffset)
          : unreadableTemplate(kv.key, { code: 'LIMIT_STRING', message: `template of ${bytes} bytes is too long to analyse` }, bytes, kv.valueOffset);
      ctx.runRules(JINJA_RULES, template);
    } else if (looksLikeJinja(kv)) {
      // Prose may hold braces: only a value that parses as a template is judged as one.
      const template = chatTemplate(kv.key, kv.value as string, kv.valueOffset);
      if (!template.analysis.error) ctx.runRules([templateInjection], template);
    }
  }
  return 'gguf';
}
