import type { GgufFile } from '../../formats/gguf/model.js';
import type { Rule } from '../types.js';

const str = (file: GgufFile, key: string): string | undefined => {
  const v = file.kvs.find((kv) => kv.key === key)?.value;
  return typeof v === 'string' ? v.slice(0, 80) : undefined;
};

/** What a GGUF header holds, for inventories. */
export const summary: Rule<GgufFile> = {
  meta: {
    id: 'gguf/summary',
    defaultSeverity: 'info',
    title: 'GGUF header summary',
    description:
      'The GGUF header was read to its end and follows the spec. The finding records version, byte order, architecture, name, tensor and metadata counts, ggml types and the chat templates present (each is checked by the jinja rules) for inventories (AI-BOM) and reviews.',
    docs: 'docs/rules/gguf-summary.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025'],
  },
  check(file, ctx) {
    if (file.error || file.issues.length > 0) return;
    const types = new Map<string, number>();
    for (const t of file.tensors) types.set(t.typeName ?? String(t.type), (types.get(t.typeName ?? String(t.type)) ?? 0) + 1);
    const templates = file.kvs.filter((kv) => kv.key.startsWith('tokenizer.chat_template')).map((kv) => kv.key);
    const parts = [
      `GGUF v${file.version}${file.bigEndian ? ' (big-endian)' : ''}`,
      `architecture ${str(file, 'general.architecture') ?? 'unknown'}`,
      str(file, 'general.name') === undefined ? undefined : `name ${str(file, 'general.name')}`,
      `${file.tensors.length} tensors (${[...types].map(([t, n]) => `${t}×${n}`).join(', ') || 'none'})`,
      `${file.kvs.length} metadata entries`,
      templates.length > 0 ? `chat templates: ${templates.join(', ')}` : 'no chat template',
    ];
    ctx.report({
      message: parts.filter((p) => p !== undefined).join('; '),
      evidence: `version=${file.version} tensors=${file.tensors.length} kvs=${file.kvs.length}`,
    });
  },
};
