import type { Rule } from '../types.js';
import { reportReferences, type YamlConfigScan } from './lib/report.js';

/** Hydra / OmegaConf `_target_`, NeMo and latent-diffusion `target`: instantiate() imports and calls the path. */
export const instantiateTarget: Rule<YamlConfigScan> = {
  meta: {
    id: 'yaml/instantiate-target',
    defaultSeverity: 'medium',
    title: 'YAML config names a class for instantiate() to build',
    description:
      "hydra.utils.instantiate (NeMo's from_config_dict, Hydra recipes) imports the dotted path in a mapping's _target_ and calls it with the other keys; latent-diffusion's instantiate_from_config does the same with target beside params, and NeMo reads target at the root of model_config.yaml in a .nemo archive. Each is graded by the callable it selects: the pickle deny-list makes it high or critical, a module beside the config is scanned and graded as auto_map is, well-known classes (nemo.collections.*, torch.nn.*…) are summed up in one info finding, anything else is medium.",
    docs: 'docs/rules/yaml-instantiate-target.md',
    references: ['MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-94', 'CWE-470'],
  },
  check(config, ctx) {
    reportReferences(config, 'instantiate', (ref) => `instantiate() imports and calls the ${ref.via} with the mapping's other keys`, ctx);
  },
};
