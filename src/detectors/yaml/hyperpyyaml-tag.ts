import type { Rule } from '../types.js';
import { reportReferences, type YamlConfigScan } from './lib/report.js';

const HOW: Record<string, string> = {
  '!new': 'load_hyperpyyaml calls it with the node as arguments while reading',
  '!apply': 'load_hyperpyyaml calls it with the node as arguments while reading',
  '!applyref': 'load_hyperpyyaml calls it with the node as arguments while reading',
  '!name': 'load_hyperpyyaml makes a partial of it that the recipe calls later',
  '!module': 'load_hyperpyyaml imports it',
  '!ref': 'hyperpyyaml turns <key>.attr into an !apply:getattr call with that attribute name',
  '!copy': 'hyperpyyaml turns <key>.attr into an !apply:getattr call with that attribute name',
};

/** hyperpyyaml (SpeechBrain) tags: `!new:`, `!apply:`, `!name:`, `!module:` select any Python callable by dotted path. */
export const hyperpyyamlTag: Rule<YamlConfigScan> = {
  meta: {
    id: 'yaml/hyperpyyaml-tag',
    defaultSeverity: 'medium',
    title: 'YAML selects Python callables through hyperpyyaml tags',
    description:
      "SpeechBrain's hyperparams.yaml is read by hyperpyyaml's load_hyperpyyaml, whose !new:C and !apply:f tags import the dotted path and call it while the file is read, !name:f wraps it for a later call and !module:m imports it. Each tag is graded by the callable it selects: the pickle deny-list makes it high or critical, a module beside the config (custom.py, which from_hparams puts on sys.path) is scanned and graded as auto_map is, well-known classes (speechbrain.*, torch.nn.*…) are summed up in one info finding, anything else is medium.",
    docs: 'docs/rules/yaml-hyperpyyaml-tag.md',
    references: ['MITRE ATLAS AML.T0011', 'MITRE ATLAS AML.T0018', 'OWASP LLM03:2025', 'CWE-94', 'CWE-470'],
  },
  check(config, ctx) {
    reportReferences(config, 'hyperpyyaml', (ref) => HOW[ref.via] ?? 'load_hyperpyyaml selects it', ctx);
  },
};
