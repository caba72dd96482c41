import type { ByteSource } from '../../core/byte-source.js';
import { OPENVINO_RULES } from '../../detectors/openvino/index.js';
import { isOpenVinoXml, MAX_IR_XML_BYTES, parseOpenVino } from '../../formats/openvino/parse.js';
import type { ScanContext } from '../context.js';

export { isOpenVinoXml } from '../../formats/openvino/parse.js';

/** `model.xml` → `model`; a name without an extension stays as it is. */
const stem = (name: string): string => (name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name);

/**
 * Scans an OpenVINO IR `.xml`: runs the OpenVINO rules over its layers, noting the `.bin`
 * weights beside it. XML that does not parse adds a fatal finding. Returns 'openvino-ir'.
 */
export function scanOpenVino(source: ByteSource, ctx: ScanContext): string {
  const { model, error } = parseOpenVino(source);
  const weights = `${stem(ctx.name)}.bin`;
  if (ctx.sibling) model.weights = { name: weights, size: ctx.sibling(weights)?.size };
  ctx.runRules(OPENVINO_RULES, model);
  if (error) ctx.fatal(error, 'OpenVINO IR could not be read to its end');
  return 'openvino-ir';
}

/**
 * True for `<stem>.bin` beside an OpenVINO IR `<stem>.xml`: the IR's weights, raw tensor bytes
 * that OpenVINO only ever copies into constants (recognised by their role, having no format).
 */
export function isOpenVinoWeights(ctx: ScanContext): boolean {
  if (!ctx.name.toLowerCase().endsWith('.bin') || !ctx.sibling) return false;
  const xml = ctx.sibling(`${stem(ctx.name)}.xml`);
  return xml !== undefined && xml.size <= MAX_IR_XML_BYTES && isOpenVinoXml(xml.read().subarray(0, 512));
}
