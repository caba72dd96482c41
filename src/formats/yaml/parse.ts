import { Composer, isAlias, isMap, isScalar, isSeq, type Node, Parser } from 'yaml';
import { ModelgateError } from '../../core/errors.js';
import type { CodeAction, YamlCodeRef, YamlConfig, YamlConvention } from './model.js';
import { quickDepth, treeDepth } from './depth.js';

/** Largest YAML text read for code references: real configs are KBs, hyperparams files under 1 MiB. */
export const MAX_YAML_BYTES = 16 * 1024 * 1024;
/**
 * Deepest nesting read. The yaml package composes recursively and overflows the stack near a
 * thousand levels; real configs nest under 20.
 */
export const MAX_YAML_DEPTH = 64;
/** Nodes walked before the reading stops (a document of a million nodes is no config). */
export const MAX_YAML_NODES = 1_000_000;

/**
 * Text that can select code in some YAML loader: PyYAML python tags (also spelled through a
 * `%TAG` directive or a verbatim `!<tag:...>`), hyperpyyaml's `!new:` family, Hydra's
 * `_target_`, latent-diffusion/NeMo `target:`, MLflow's `loader_module`, and `!!binary`.
 */
const CODE_MARKERS =
  /!!python\/|tag:yaml\.org,2002:python\/|!(?:new|name|apply|applyref|module):|^%TAG|\b_?target_?\s*:|\bloader_module\s*:|\bpython_function\s*:|!!binary|tag:yaml\.org,2002:binary/m;

/** True when `text` may hold a code reference, so it is worth parsing as YAML. */
export function mayHoldCode(text: string): boolean {
  return CODE_MARKERS.test(text);
}

const PYYAML_PREFIX = 'tag:yaml.org,2002:python/';
/** Tags whose scalar PyYAML base64-decodes to bytes: `!!binary` (every loader), `!!python/bytes` (full and unsafe loaders). */
const BYTES_TAGS = new Set(['tag:yaml.org,2002:binary', 'tag:yaml.org,2002:python/bytes']);

/**
 * What a tag selects. PyYAML's constructor.py (UnsafeLoader / Loader; FullLoader takes some):
 * `python/object/apply:f` and `python/object/new:C` call, `python/object:C` builds C without
 * __init__ (then __setstate__), `python/name:x` resolves, `python/module:m` imports.
 * hyperpyyaml (speechbrain): `!new:C` and `!apply:f` call at load, `!applyref:f` too, `!name:f`
 * makes a functools.partial called later, `!module:m` imports.
 */
function tagReference(tag: string): { convention: YamlConvention; via: string; callable: string; action: CodeAction } | undefined {
  if (tag.startsWith(PYYAML_PREFIX)) {
    const rest = tag.slice(PYYAML_PREFIX.length);
    const colon = rest.indexOf(':');
    if (colon < 0) return undefined; // python/tuple, python/str...: plain data
    const kind = rest.slice(0, colon);
    const action: CodeAction = kind === 'name' ? 'reference' : kind === 'module' ? 'import' : 'call';
    return { convention: 'pyyaml', via: `!!python/${kind}`, callable: rest.slice(colon + 1), action };
  }
  const m = /^!(new|name|apply|applyref|module):(.*)$/s.exec(tag);
  if (!m) return undefined;
  const kind = m[1]!;
  const action: CodeAction = kind === 'name' ? 'reference' : kind === 'module' ? 'import' : 'call';
  return { convention: 'hyperpyyaml', via: `!${kind}`, callable: m[2]!, action };
}

const childPath = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

const scalarText = (n: unknown): string | undefined => (isScalar(n) && typeof n.value === 'string' ? n.value : undefined);

/**
 * Key-selected code in a mapping: Hydra / OmegaConf `_target_` (hydra.utils.instantiate calls it),
 * `target` beside `params` (latent-diffusion's instantiate_from_config) or at a document's root
 * (NeMo's model_config.yaml), MLflow's `flavors.python_function.loader_module` (imported, then its
 * `_load_pyfunc` called).
 */
function keyReferences(map: Node, path: string, root: boolean): Array<Omit<YamlCodeRef, 'offset'> & { node: Node }> {
  if (!isMap(map)) return [];
  const out: Array<Omit<YamlCodeRef, 'offset'> & { node: Node }> = [];
  const keys = new Set(map.items.map((p) => scalarText(p.key)));
  for (const pair of map.items) {
    const key = scalarText(pair.key);
    const value = scalarText(pair.value);
    if (key === undefined || value === undefined || !isScalar(pair.value)) continue;
    const node = pair.value;
    if (key === '_target_') out.push({ where: childPath(path, key), convention: 'instantiate', via: '_target_', callable: value, action: 'call', node });
    else if (key === 'target' && DOTTED.test(value) && (root || keys.has('params'))) {
      out.push({ where: childPath(path, key), convention: 'instantiate', via: 'target', callable: value, action: 'call', node });
    } else if (key === 'loader_module' && path === '$.flavors.python_function') {
      out.push({ where: childPath(path, key), convention: 'mlflow', via: 'loader_module', callable: value, action: 'call', node });
    }
  }
  return out;
}

/** MLflow's `code` entry of the python_function flavour: one folder, or a list of them (older writers). */
function mlflowCodePaths(value: unknown, path: string, config: YamlConfig): void {
  const items = isSeq(value) ? value.items : [value];
  items.forEach((item, i) => {
    const text = scalarText(item);
    if (text === undefined || !isScalar(item)) return;
    const where = isSeq(value) ? `${path}.code[${i}]` : `${path}.code`;
    (config.codePaths ??= []).push({ where, path: text, offset: item.range?.[0] });
  });
}

/** Decodes a `!!binary` scalar as PyYAML's construct_yaml_binary does (base64, whitespace ignored). */
function binaryBytes(text: string): Buffer | undefined {
  const clean = text.replace(/\s+/g, '');
  return /^[A-Za-z0-9+/]*={0,2}$/.test(clean) ? Buffer.from(clean, 'base64') : undefined;
}

/** Tuple strings read inside tuple strings before the reading stops. */
const MAX_TUPLE_NESTING = 4;

/**
 * hyperpyyaml resolves a plain scalar `(…)` to `!tuple` and re-reads `[…]` with yaml.Loader
 * (hyperpyyaml/core.py _make_tuple), so tags written inside such a string are constructed:
 * its text is read as YAML too, its references placed at the string's path.
 */
function tupleReferences(value: string, path: string, offset: number | undefined, nested: number, config: YamlConfig): void {
  if (!/^\(.*\)$/s.test(value) || !value.includes('!')) return;
  if (nested >= MAX_TUPLE_NESTING) {
    config.incomplete ??= { code: 'LIMIT_DEPTH', message: `tuple strings nested more than ${MAX_TUPLE_NESTING} deep at ${path}` };
    return;
  }
  let inner: YamlConfig;
  try {
    inner = readYamlConfig(`[${value.slice(1, -1)}]`, nested + 1);
  } catch {
    return; // not YAML: hyperpyyaml's load fails there, constructing nothing
  }
  for (const ref of inner.refs) config.refs.push({ ...ref, where: `${path} (tuple)${ref.where.slice(1)}`, offset });
  for (const p of inner.payloads) config.payloads.push({ ...p, where: `${path} (tuple)${p.where.slice(1)}`, offset });
  if (inner.incomplete) config.incomplete ??= inner.incomplete;
}

/**
 * Reads every document of a YAML text for code references and `!!binary` payloads, without
 * constructing anything: tags are collected with the dotted path they carry, anchors are not
 * expanded (an alias repeats what its anchor already showed). Throws LIMIT_DEPTH before parsing
 * text nested too deep, MALFORMED for text that is no YAML; a node limit ends the walk early.
 */
export function readYamlConfig(text: string, nested = 0): YamlConfig {
  const tooDeep = (): never => {
    throw new ModelgateError('LIMIT_DEPTH', `YAML nested deeper than ${MAX_YAML_DEPTH} levels`);
  };
  if (quickDepth(text) > MAX_YAML_DEPTH) tooDeep();
  const tokens = [...new Parser().parse(text)];
  if (treeDepth(tokens, MAX_YAML_DEPTH) > MAX_YAML_DEPTH) tooDeep();
  const list = [...new Composer({ logLevel: 'silent', uniqueKeys: false }).compose(tokens, true, text.length)];
  const bad = list.find((d) => d.errors.length > 0);
  if (bad) throw new ModelgateError('MALFORMED', `not YAML: ${bad.errors[0]!.message.split('\n')[0]}`, { offset: bad.errors[0]!.pos[0] });
  const config: YamlConfig = { refs: [], payloads: [] };
  let nodes = 0;
  list.forEach((doc, i) => {
    const rootPath = list.length > 1 ? `$${i}` : '$';
    const stack: Array<{ node: unknown; path: string }> = [{ node: doc.contents, path: rootPath }];
    while (stack.length > 0) {
      const { node, path } = stack.pop()!;
      if (!node || isAlias(node)) continue;
      if (++nodes > MAX_YAML_NODES) {
        config.incomplete ??= { code: 'LIMIT_ENTRIES', message: `YAML has more than ${MAX_YAML_NODES} nodes` };
        return;
      }
      const n = node as Node;
      const offset = n.range?.[0];
      if (n.tag !== undefined && BYTES_TAGS.has(n.tag) && isScalar(n)) {
        // The yaml package decodes !!binary itself when it knows the tag; otherwise it is text.
        const bytes = n.value instanceof Uint8Array ? Buffer.from(n.value) : typeof n.value === 'string' ? binaryBytes(n.value) : undefined;
        if (bytes) config.payloads.push({ where: path, bytes, offset });
      } else if (n.tag) {
        const ref = tagReference(n.tag);
        if (ref) config.refs.push({ where: path, ...ref, offset });
      }
      if (!n.tag && isScalar(n) && typeof n.value === 'string') tupleReferences(n.value, path, offset, nested, config);
      if ((n.tag === '!ref' || n.tag === '!copy') && isScalar(n) && typeof n.value === 'string') {
        // hyperpyyaml deref(): `<key>.attr` becomes `!apply:getattr [<key>, attr]`, a getattr
        // call with the file's attribute name; a dunder there walks into interpreter internals.
        for (const m of n.value.matchAll(/<[^>]*>\.(__\w+__)/g)) {
          config.refs.push({ where: `${path} (.${m[1]})`, convention: 'hyperpyyaml', via: n.tag, callable: 'builtins.getattr', action: 'call', offset });
        }
      }
      for (const { node: valueNode, ...ref } of keyReferences(n, path, path === rootPath)) config.refs.push({ ...ref, offset: valueNode.range?.[0] });
      if (path === `${rootPath}.flavors.python_function` && isMap(n)) mlflowCodePaths(n.get('code', true), path, config);
      const children: Array<{ node: unknown; path: string }> = [];
      if (isMap(n)) {
        for (const pair of n.items) {
          const key = scalarText(pair.key) ?? (isScalar(pair.key) ? String(pair.key.value) : '?');
          if (pair.key && !isScalar(pair.key)) children.push({ node: pair.key, path: `${path}[key]` });
          else if (isScalar(pair.key) && pair.key.tag) children.push({ node: pair.key, path: `${childPath(path, key)}[key]` });
          children.push({ node: pair.value, path: childPath(path, key) });
        }
      } else if (isSeq(n)) {
        n.items.forEach((item, j) => children.push({ node: item, path: childPath(path, j) }));
      }
      for (let j = children.length - 1; j >= 0; j--) stack.push(children[j]!);
    }
  });
  return config;
}
