import type { LocalCode } from '../../../src/detectors/yaml/lib/grade.js';
import { localModuleFile } from '../../../src/detectors/yaml/lib/grade.js';
import type { YamlConfigScan } from '../../../src/detectors/yaml/lib/report.js';
import type { CodeVerdict } from '../../../src/formats/hfconfig/model.js';
import { readYamlConfig } from '../../../src/formats/yaml/parse.js';

export interface YamlInput {
  text: string;
  /** Verdicts on repo modules beside the config, by file name (`custom.py`). */
  code?: Record<string, CodeVerdict>;
}

/** The model the yaml rules check, from YAML text and the verdicts on the modules beside it. */
export function buildYaml({ text, code = {} }: YamlInput): YamlConfigScan {
  const config = readYamlConfig(text);
  const local = new Map<(typeof config.refs)[number], LocalCode>();
  for (const ref of config.refs) {
    const file = localModuleFile(ref.callable);
    const verdict = file === undefined ? undefined : code[file];
    if (file && verdict) local.set(ref, { file, verdict });
  }
  return { ...config, local };
}
