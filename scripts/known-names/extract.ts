import { isHubRepoId } from '../../src/app/names/repo-id.js';

/** How a source names models: links and `code` in Markdown, string literals in Python. */
export type ExtractMode = 'markdown' | 'python' | 'top-models';

/** Hub URL prefixes that are not model repos. */
const NOT_MODELS = new Set([
  'spaces',
  'datasets',
  'docs',
  'blog',
  'api',
  'settings',
  'papers',
  'organizations',
  'collections',
  'models',
  'join',
  'login',
  'tasks',
  'learn',
]);

function fromLinks(text: string): string[] {
  const ids: string[] = [];
  for (const m of text.matchAll(/https?:\/\/(?:huggingface\.co|hf\.co)\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)/g)) {
    if (!NOT_MODELS.has(m[1]!)) ids.push(`${m[1]}/${m[2]}`);
  }
  return ids;
}

/**
 * Repo ids named in a source's text, in order of appearance (duplicates kept; the compiler
 * merges them). Only strings in the Hub's id syntax are kept.
 */
export function extractRepoIds(text: string, mode: ExtractMode): string[] {
  const ids: string[] = [];
  if (mode === 'top-models') {
    // Only the "## Top Models" section of the digest lists models; later ones list datasets and Spaces.
    const section = /## Top Models\n([\s\S]*?)(?:\n## |$)/.exec(text);
    ids.push(...fromLinks(section ? section[1]! : ''));
  } else if (mode === 'markdown') {
    ids.push(...fromLinks(text));
    for (const m of text.matchAll(/`([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)`/g)) ids.push(m[1]!);
  } else {
    // Python: quoted literals on lines that are not comments (commented-out ids were dropped
    // upstream), and not dict keys (`'bert': [...]` names a model type, not a repo).
    for (const line of text.split('\n')) {
      if (line.trimStart().startsWith('#')) continue;
      for (const m of line.matchAll(/(?:'([A-Za-z0-9_./-]+)'|"([A-Za-z0-9_./-]+)")(?!\s*:)/g)) ids.push((m[1] ?? m[2])!);
    }
  }
  return ids.filter((id) => isHubRepoId(id) && /[A-Za-z]/.test(id));
}
