/** Every rule's metadata, for the reports that describe the rules (SARIF, HTML), without the engine behind src/app/index.ts. */
export { ALL_RULES } from '../detectors/index.js';
export type { RuleMeta } from '../detectors/rule.js';
