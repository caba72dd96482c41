/**
 * Typosquat and look-alike checks for Hugging Face repo names (`modelgate check-name`, and the
 * `repo/typosquat` findings of `hf:` scans).
 */
export { checkName, COPY_SCORES, MIN_SCORE, type CheckNameOptions, type NameMatch, severityForScore } from './check.js';
export { checkNameReport, type CheckNameReport } from './report.js';
export { matchFinding, typosquatFindings } from './findings.js';
export { indexKnownNames, KNOWN_NAMES_SCHEMA, type KnownNames, type KnownNamesFile, loadKnownNames, readKnownNamesFile } from './known-list.js';
export { refreshedListPath } from './paths.js';
export { DEFAULT_LIMIT, fetchKnownNames, refreshKnownNames, type RefreshOptions } from './refresh.js';
export { isHubRepoId, parseRepoId, type RepoId } from './repo-id.js';
export { compareNames, SCORES, type Similarity, type SimilarityKind } from './similarity.js';
export { skeleton } from './skeleton.js';
