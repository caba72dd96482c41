import { parseBoundedYaml } from './bounded-yaml.js';

/**
 * What a Hugging Face model card (README.md) and config.json say about a model, read as data
 * (the card's YAML front matter, per the Hub's model card metadata spec; config.json's keys).
 * Nothing here trusts the values: they are copied into the BOM as the model's own claims.
 */
export interface CardFacts {
  license?: string;
  licenseName?: string;
  datasets: string[];
  baseModels: string[];
  pipelineTag?: string;
  libraryName?: string;
  tags: string[];
  languages: string[];
  /** From `model-index` results: metric type, value, and the task/dataset it was measured on. */
  metrics: Array<{ type: string; value: string; slice?: string }>;
  /** The text of a "Limitations" / "Bias, Risks, and Limitations" section. */
  limitations?: string;
  /** The text of an "Intended uses" / "Uses" section. */
  uses?: string;
}

export interface ConfigFacts {
  modelType?: string;
  architectures: string[];
  /** Other scalar keys worth recording (dtype, sizes), as strings. */
  properties: Array<{ name: string; value: string }>;
}

/** Card text beyond this is not read: cards are a few KiB; the cap bounds YAML work. */
export const MAX_CARD_BYTES = 1024 * 1024;
/** YAML aliases allowed in the front matter (a "billion laughs" card is refused). */
const MAX_ALIASES = 100;
/** Longest section text copied into the BOM. */
const MAX_SECTION_CHARS = 4000;

const strings = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function section(body: string, heading: RegExp): string | undefined {
  const lines = body.split('\n');
  const start = lines.findIndex((l) => /^#{1,4}\s/.test(l) && heading.test(l));
  if (start < 0) return undefined;
  const level = /^#+/.exec(lines[start]!)![0].length;
  const end = lines.findIndex((l, i) => i > start && /^#{1,4}\s/.test(l) && /^#+/.exec(l)![0].length <= level);
  const text = lines
    .slice(start + 1, end < 0 ? undefined : end)
    .join('\n')
    .trim();
  return text === '' ? undefined : text.slice(0, MAX_SECTION_CHARS);
}

function metricsOf(index: unknown): CardFacts['metrics'] {
  const out: CardFacts['metrics'] = [];
  for (const entry of Array.isArray(index) ? index : []) {
    for (const result of isObject(entry) && Array.isArray(entry.results) ? entry.results : []) {
      if (!isObject(result)) continue;
      const task = isObject(result.task) ? (result.task.name ?? result.task.type) : undefined;
      const dataset = isObject(result.dataset) ? (result.dataset.name ?? result.dataset.type) : undefined;
      const slice = [task, dataset].filter((x) => typeof x === 'string').join(' on ') || undefined;
      for (const m of Array.isArray(result.metrics) ? result.metrics : []) {
        if (isObject(m) && typeof m.type === 'string' && (typeof m.value === 'number' || typeof m.value === 'string')) {
          out.push({ type: m.type, value: String(m.value), ...(slice ? { slice } : {}) });
        }
      }
    }
  }
  return out;
}

/**
 * A model card's YAML front matter (between `---` lines at the top, within the first
 * MAX_CARD_BYTES) as an object, and the text after it. Bounded: at most MAX_ALIASES aliases and
 * MAX_YAML_DEPTH levels of nesting (checked before the YAML is composed); YAML that does not
 * parse or is not a mapping is no front matter; unknown tags stay plain values, and their
 * warnings are not printed.
 */
export function readFrontMatter(text: string): { meta?: Record<string, unknown>; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\s*(?:\r?\n|$)/.exec(text.slice(0, MAX_CARD_BYTES));
  if (!m) return { body: text };
  let meta: unknown;
  try {
    meta = parseBoundedYaml(m[1]!, { maxAliasCount: MAX_ALIASES });
  } catch {
    meta = undefined;
  }
  return { meta: isObject(meta) ? meta : undefined, body: text.slice(m[0].length) };
}

/** Reads a model card: its front matter (between `---` lines at the top) and a few sections. */
export function readCard(text: string): CardFacts {
  const facts: CardFacts = { datasets: [], baseModels: [], tags: [], languages: [], metrics: [] };
  const { meta, body } = readFrontMatter(text);
  if (meta) {
    if (typeof meta.license === 'string') facts.license = meta.license;
    if (typeof meta.license_name === 'string') facts.licenseName = meta.license_name;
    facts.datasets = strings(meta.datasets);
    facts.baseModels = strings(meta.base_model);
    if (typeof meta.pipeline_tag === 'string') facts.pipelineTag = meta.pipeline_tag;
    if (typeof meta.library_name === 'string') facts.libraryName = meta.library_name;
    facts.tags = strings(meta.tags);
    facts.languages = strings(meta.language);
    facts.metrics = metricsOf(meta['model-index']);
  }
  facts.limitations = section(body, /^#+\s*(bias, risks,? and limitations|(known\s+)?limitations)\b/i);
  facts.uses = section(body, /^#+\s*(intended\s+uses?|uses)\b/i);
  return facts;
}

const SCALAR_KEYS = ['torch_dtype', 'hidden_size', 'num_hidden_layers', 'num_attention_heads', 'vocab_size', 'max_position_embeddings', 'transformers_version'];

/** Reads config.json (Transformers): model type, architectures and a few sizes. Bad JSON gives nothing. */
export function readConfig(text: string): ConfigFacts {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { architectures: [], properties: [] };
  }
  if (!isObject(json)) return { architectures: [], properties: [] };
  const properties = SCALAR_KEYS.filter((k) => ['string', 'number'].includes(typeof json[k])).map((k) => ({
    name: `huggingface:config:${k}`,
    value: String(json[k]),
  }));
  return { modelType: typeof json.model_type === 'string' ? json.model_type : undefined, architectures: strings(json.architectures), properties };
}
