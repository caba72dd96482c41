import type { Rule } from '../types.js';
import { reportReferences, type YamlConfigScan } from './lib/report.js';

const HOW: Record<string, string> = {
  '!!python/object/apply': 'calls it with the node as arguments',
  '!!python/object/new': 'calls its __new__ and sets the node as state',
  '!!python/object': 'builds an instance of it without __init__ and sets the node as state',
  '!!python/name': 'resolves it to the object it names',
  '!!python/module': 'imports it',
};

/** PyYAML python tags: yaml.unsafe_load / yaml.load(Loader=yaml.Loader) import and call what they name. */
export const pythonTag: Rule<YamlConfigScan> = {
  meta: {
    id: 'yaml/python-tag',
    defaultSeverity: 'medium',
    title: 'YAML uses PyYAML python tags that import or call code',
    description:
      "!!python/object/apply:f, !!python/object/new:C, !!python/object:C, !!python/name:x and !!python/module:m make PyYAML's unsafe loaders (yaml.unsafe_load, yaml.load with yaml.Loader or UnsafeLoader; FullLoader for some) import the dotted path and call or resolve it while the file is read. Each tag is graded by the callable it selects: the pickle deny-list (os.system, subprocess, builtins.eval…) makes it high or critical, a well-known library class info, anything else medium. yaml.safe_load refuses these tags.",
    docs: 'docs/rules/yaml-python-tag.md',
    references: ['MITRE ATLAS AML.T0011', 'MITRE ATLAS AML.T0018', 'OWASP LLM03:2025', 'CWE-502', 'CWE-94'],
  },
  check(config, ctx) {
    reportReferences(config, 'pyyaml', (ref) => `PyYAML's unsafe loaders ${HOW[ref.via] ?? 'select it'}`, ctx);
  },
};
