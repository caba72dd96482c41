import { BACKDOOR_RULES } from './backdoor/index.js';
import { CONTAINER_RULES } from './container/index.js';
import { FILE_RULES } from './file/index.js';
import { GGUF_RULES } from './gguf/index.js';
import { HFCONFIG_RULES, LIBRARY_CODE_RULES } from './hfconfig/index.js';
import { JINJA_RULES } from './jinja/index.js';
import { KERAS_RULES } from './keras/index.js';
import { MODEL_FORMAT_RULE_METAS } from './model-formats.js';
import { ONNX_RULES } from './onnx/index.js';
import { PICKLE_RULES } from './pickle/index.js';
import { PYTHON_RULE_METAS } from './python/index.js';
import { REPO_RULES } from './repo/index.js';
import { SAFETENSORS_RULES } from './safetensors/index.js';
import { SAVEDMODEL_RULES } from './savedmodel/index.js';
import { TORCHSCRIPT_RULES } from './torchscript/index.js';
import { YAML_RULES } from './yaml/index.js';
import type { RuleMeta } from './rule.js';

/** Metadata of every rule modelgate reports under, sorted by id (for SARIF and docs). */
export const ALL_RULES: readonly RuleMeta[] = [
  ...BACKDOOR_RULES,
  ...CONTAINER_RULES,
  ...FILE_RULES,
  ...PYTHON_RULE_METAS,
  ...REPO_RULES,
  ...MODEL_FORMAT_RULE_METAS,
  ...[
    ...PICKLE_RULES,
    ...SAFETENSORS_RULES,
    ...ONNX_RULES,
    ...SAVEDMODEL_RULES,
    ...GGUF_RULES,
    ...JINJA_RULES,
    ...HFCONFIG_RULES,
    ...LIBRARY_CODE_RULES,
    ...KERAS_RULES,
    ...TORCHSCRIPT_RULES,
    ...YAML_RULES,
  ].map((r) => r.meta),
].sort((a, b) => a.id.localeCompare(b.id));
