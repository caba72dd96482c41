import { distance } from 'fastest-levenshtein';
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { z } from 'zod';

/** One problem with a policy file: the key path, what is wrong, and where in the YAML. */
export interface PolicyIssue {
  /** Key path, e.g. `overrides[0].reason`; empty for the document as a whole. */
  path: string;
  message: string;
  /** 1-based line and column of the key or value in the YAML, when it can be found. */
  line?: number;
  column?: number;
}

type Segment = string | number;

/** `overrides[0].reason` from `['overrides', 0, 'reason']`. */
export function formatPath(path: readonly Segment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** The YAML node at `path` (following aliases), or the nearest ancestor that exists. */
function nodeAt(doc: Document, path: readonly Segment[], wantKey: boolean): Node | undefined {
  let node = doc.contents as Node | null;
  if (!node) return undefined;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = (node.resolve(doc) as Node | undefined) ?? node;
    const segment = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return node;
      if (wantKey && i === path.length - 1) return pair.key as Node;
      if (!pair.value) return pair.key as Node;
      node = pair.value as Node;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) node = node.items[segment] as Node;
    else return node;
  }
  return node;
}

/** The value at `path` in plain data, or undefined. */
function valueAt(data: unknown, path: readonly Segment[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment as string];
  }
  return value;
}

/** The keys an object of the schema allows at `path` (to suggest one for a typo). */
function keysAt(schema: z.core.$ZodType, path: readonly Segment[]): string[] {
  let current: z.core.$ZodType | undefined = schema;
  const unwrap = (s: z.core.$ZodType | undefined): z.core.$ZodType | undefined => {
    const def = s?._zod.def as { type?: string; innerType?: z.core.$ZodType } | undefined;
    return def && (def.type === 'optional' || def.type === 'default') ? unwrap(def.innerType) : s;
  };
  for (const segment of path) {
    current = unwrap(current);
    const def = current?._zod.def as { type?: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType } | undefined;
    if (def?.type === 'object' && typeof segment === 'string') current = def.shape?.[segment];
    else if (def?.type === 'array' && typeof segment === 'number') current = def.element;
    else return [];
  }
  const def = unwrap(current)?._zod.def as { type?: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function suggestion(key: string, known: string[]): string {
  const close = known.filter((k) => k.toLowerCase() === key.toLowerCase() || distance(k, key) <= 2);
  return close.length > 0 ? ` (did you mean "${close[0]}"?)` : ` (known keys: ${known.join(', ')})`;
}

/** The problem of a zod issue, said plainly. */
function plain(issue: z.core.$ZodIssue, data: unknown): string {
  const missing = (issue.code === 'invalid_type' || issue.code === 'invalid_value') && valueAt(data, issue.path as Segment[]) === undefined;
  if (missing) return 'required';
  return issue.message.replace(/^Invalid (input|option): /, '');
}

/**
 * Turns zod's issues into PolicyIssues with the line and column of the offending key or value
 * in the YAML (one issue per unknown key, pointing at the key).
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], data: unknown, doc: Document, lines: LineCounter, schema: z.core.$ZodType): PolicyIssue[] {
  const out: PolicyIssue[] = [];
  const at = (path: readonly Segment[], message: string, wantKey: boolean) => {
    const node = nodeAt(doc, path, wantKey);
    const pos = node?.range ? lines.linePos(node.range[0]) : undefined;
    out.push({ path: formatPath(path), message, line: pos?.line, column: pos?.col });
  };
  for (const issue of issues) {
    const path = issue.path as Segment[];
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(schema, path);
      for (const key of issue.keys) at([...path, key], `unknown key "${key}"${suggestion(key, known)}`, true);
    } else at(path, plain(issue, data), false);
  }
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
