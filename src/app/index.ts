/**
 * The use cases every face calls (README "Layout", ARCHITECTURE.md): faces import this module,
 * never the engine or the sources.
 */
export { runScan, type ScanOutcome, type ScanRequest } from './run-scan.js';
export { currentProvenance } from './provenance.js';
export { scan, scanHub, type HubScanOptions, type HubScanResult, type ScanOptions } from './scan.js';
export { DEFAULT_LOCK, defaultLock, gateDecision, hubSignatureFacts, isInsideTarget, type GateOptions } from './gate.js';
export { buildResult } from './result.js';
export { isHubTarget } from '../sources/index.js';
export { inspectFile } from './inspect.js';
export { TOOL_VERSION } from './version.js';
export { sandboxTemp, sweepPrivateTemps } from '../engine/index.js';
export { workersPermitted } from './threads.js';
export { ALL_RULES } from '../detectors/index.js';
export {
  buildVsa,
  modelRootDigest,
  signModelDigests,
  signVsa,
  verifyVsa,
  VSA_PREDICATE_TYPE,
  type DigestSignOptions,
  type DsseEnvelope,
  type FileDigest,
  type VsaExpectations,
  type VsaInput,
  type VsaStatement,
  type VsaVerifyResult,
} from './signing/index.js';
