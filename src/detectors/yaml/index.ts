import type { Rule } from '../types.js';
import { hyperpyyamlTag } from './hyperpyyaml-tag.js';
import { instantiateTarget } from './instantiate-target.js';
import type { YamlConfigScan } from './lib/report.js';
import { mlflowLoaderModule } from './mlflow-loader-module.js';
import { pythonTag } from './python-tag.js';

/** Every YAML config rule, sorted by id. */
export const YAML_RULES: ReadonlyArray<Rule<YamlConfigScan>> = [hyperpyyamlTag, instantiateTarget, mlflowLoaderModule, pythonTag];
