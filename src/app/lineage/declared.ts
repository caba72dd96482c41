import { parsePythonJson } from '../../formats/json/python-json.js';
import { readFrontMatter } from '../bom/card.js';
import { isHubRepoId } from '../names/repo-id.js';
import { type DeclarationSource, type DeclaredParent, type ReadFile, RELATIONS, type Relation } from './model.js';

/** Configs are a few KiB: a larger "config" is not read, and declares nothing. */
const MAX_CONFIG_CHARS = 1024 * 1024;
/** Parents kept from one file: merges list a dozen or so; a card listing thousands is noise. */
const MAX_PARENTS = 64;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * The Hub repo ids among declared values, each once, at most MAX_PARENTS. A local path
 * (`_name_or_path` is often `/content/out` or `./checkpoint-500`) or a URL names no repo and is
 * left out.
 */
function repoIds(values: unknown[]): string[] {
  const ids = values.filter((v): v is string => typeof v === 'string').map((v) => v.trim());
  return [...new Set(ids.filter(isHubRepoId))].slice(0, MAX_PARENTS);
}

/** A JSON config as Python's json module reads it (loaders use json.load), or undefined. */
function readJson(text: string): Record<string, unknown> | undefined {
  if (text.length > MAX_CONFIG_CHARS) return undefined;
  const doc = parsePythonJson(text);
  return isObject(doc) ? doc : undefined;
}

/** The card's `base_model` (a string or a list) and `base_model_relation` (Hub model card metadata). */
function fromCard(text: string): DeclaredParent[] {
  const { meta } = readFrontMatter(text);
  if (!meta) return [];
  const relation: Relation | undefined = RELATIONS.find((r) => r === meta.base_model_relation);
  const values = Array.isArray(meta.base_model) ? meta.base_model : [meta.base_model];
  return repoIds(values).map((repo) => ({ repo, ...(relation ? { relation } : {}), source: 'card' }));
}

/** PEFT's adapter_config.json: `base_model_name_or_path`, and `revision` when the base is pinned. */
function fromAdapterConfig(text: string): DeclaredParent[] {
  const json = readJson(text);
  const revision = typeof json?.revision === 'string' && json.revision !== '' ? json.revision : undefined;
  return repoIds([json?.base_model_name_or_path]).map((repo) => ({ repo, relation: 'adapter', source: 'adapter_config', ...(revision ? { revision } : {}) }));
}

/** Transformers' config.json: `_name_or_path`, where the model was loaded from before it was saved. */
function fromConfig(text: string): DeclaredParent[] {
  return repoIds([readJson(text)?._name_or_path]).map((repo) => ({ repo, source: 'config' }));
}

/** Which reader a file gets: the card and config.json at the top of the version, adapters in any folder. */
function sourceOf(path: string): DeclarationSource | undefined {
  if (path === 'README.md') return 'card';
  if (path === 'config.json') return 'config';
  if (baseName(path) === 'adapter_config.json') return 'adapter_config';
  return undefined;
}

const READERS: Record<DeclarationSource, (text: string) => DeclaredParent[]> = {
  card: fromCard,
  adapter_config: fromAdapterConfig,
  config: fromConfig,
};

/**
 * The parents a model version declares: the model card's front matter (`base_model`,
 * `base_model_relation`), adapter_config.json (`base_model_name_or_path`, `revision`) and
 * config.json (`_name_or_path`), in that order, each repo once per source. Only Hub repo ids are
 * kept. Every file is read as data, bounded (the card's first MiB with at most 100 YAML aliases,
 * configs up to 1 MiB); a file that does not parse declares nothing. Other files are ignored.
 */
export function declaredParents(files: readonly ReadFile[]): DeclaredParent[] {
  const found = new Map<string, DeclaredParent>();
  const order: DeclarationSource[] = ['card', 'adapter_config', 'config'];
  for (const source of order) {
    for (const file of files.filter((f) => sourceOf(f.path) === source)) {
      for (const parent of READERS[source](file.text)) {
        const key = JSON.stringify([parent.repo, parent.source, parent.revision ?? null]);
        if (!found.has(key)) found.set(key, parent);
      }
    }
  }
  return [...found.values()];
}
