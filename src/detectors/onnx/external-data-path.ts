import type { OnnxExternalData, OnnxModel } from '../../formats/onnx/model.js';
import type { Rule } from '../types.js';
import { locationEscape } from './location.js';

/** Tensor names listed per finding; the count says how many more. */
const NAMES_SHOWN = 5;

function tensorsOf(list: OnnxExternalData[]): string {
  const names = list.slice(0, NAMES_SHOWN).map((e) => `"${e.tensor}" (${e.where})`);
  const more = list.length > NAMES_SHOWN ? ` and ${list.length - NAMES_SHOWN} more` : '';
  return `${names.join(', ')}${more}`;
}

/** External-data locations that leave the model's folder, one finding per location. */
export const externalDataPath: Rule<OnnxModel> = {
  meta: {
    id: 'onnx/external-data-path',
    defaultSeverity: 'high',
    title: 'ONNX external data points outside the model folder',
    description:
      'A tensor stores its data in another file (TensorProto.external_data) whose `location` is absolute, contains `..`, or otherwise resolves outside the folder of the model. Loading the model reads that file into a tensor (leaking it through the outputs), and re-saving it can write there.',
    docs: 'docs/rules/onnx-external-data-path.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-22', 'CWE-73'],
  },
  check(model, ctx) {
    const byLocation = new Map<string, OnnxExternalData[]>();
    const unnamed: OnnxExternalData[] = [];
    for (const ext of model.externalData) {
      if (ext.location === undefined) {
        if (ext.dataLocation === 1) unnamed.push(ext);
        continue;
      }
      const list = byLocation.get(ext.location) ?? [];
      list.push(ext);
      byLocation.set(ext.location, list);
    }
    for (const [location, list] of byLocation) {
      const why = locationEscape(location);
      if (!why) continue;
      const flag = list.some((e) => e.dataLocation !== 1) ? '; some tensors do not set data_location EXTERNAL, which loaders disagree on' : '';
      ctx.report({
        message: `external data location ${JSON.stringify(location)} ${why}: loading reads that file into ${list.length === 1 ? 'tensor' : `${list.length} tensors`} ${tensorsOf(list)}${flag}`,
        location: { offset: list[0]!.offset },
        evidence: location,
      });
    }
    if (unnamed.length > 0) {
      ctx.report({
        severity: 'low',
        message: `${unnamed.length} tensor(s) marked EXTERNAL name no location, so the model cannot load: ${tensorsOf(unnamed)}`,
        location: { offset: unnamed[0]!.offset },
      });
    }
  },
};
