import type { Finding } from '../../core/finding.js';
import type { Severity } from '../../core/severity.js';
import { ruleFinding } from '../finding.js';
import type { RuleMeta } from '../rule.js';

/**
 * Findings about a target as a whole (REPORT.md top-level `findings`): the repo's name, where
 * the Hub sent us, which revision was read, and whether its files match what was published or
 * locked. Sources and commands report these directly; the ids live here and nowhere else.
 */
const meta = (id: string, defaultSeverity: RuleMeta['defaultSeverity'], title: string, description: string, refs: string[]): RuleMeta => ({
  id,
  defaultSeverity,
  title,
  description,
  docs: `docs/rules/${id.replace('/', '-')}.md`,
  references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', ...refs],
});

export const TYPOSQUAT = meta(
  'repo/typosquat',
  'high',
  'Repo or organisation name looks like a well-known one',
  'The name differs from a well-known organisation or repo only by look-alike characters, a small edit, swapped letters, case or separators, or copies a well-known repo name under another organisation. Attackers publish such names so that a mistyped or misread `from_pretrained` loads their model.',
  ['CWE-1007'],
);
export const REDIRECT = meta(
  'repo/redirect',
  'medium',
  'The Hub redirected the repo to another name',
  'The repo was renamed or moved, and the Hub sent the request to a new name. When an organisation is deleted or renamed, its old name can be registered by someone else: code that still uses the old name then loads whatever the new owner publishes.',
  ['CWE-601'],
);
export const UNPINNED_REVISION = meta(
  'repo/unpinned-revision',
  'low',
  'Revision is a branch or tag, not a commit',
  'The repo was read at a branch or tag, which can move after review. Pin the commit sha that was scanned (`hf:org/name@<sha>`, `revision=` in `from_pretrained`).',
  ['CWE-494'],
);
export const HUB_SECURITY_STATUS = meta(
  'repo/hub-security-status',
  'info',
  "The Hub's own security scan",
  "What the Hugging Face Hub's scanners say about the repo. It is one signal, shown for comparison; it never decides the verdict, since those scanners are deny-lists that published bypasses slip past.",
  [],
);
export const HASH_MISMATCH = meta(
  'repo/hash-mismatch',
  'high',
  'Downloaded bytes differ from the published hash',
  'A file downloaded from the Hub does not hash to the SHA-256 (LFS) or git blob id the Hub lists for it at the resolved commit. The bytes were changed in transit or by a mirror, or the listing lies.',
  ['CWE-494', 'CWE-354'],
);
export const LOCK_MISSING = meta(
  'lock/missing-file',
  'high',
  'A locked file is missing',
  'The lock file names a file that the target no longer has. A loader may fall back to another file (a pickle instead of safetensors, say).',
  ['CWE-494'],
);
export const LOCK_EXTRA = meta(
  'lock/extra-file',
  'high',
  'A file is not in the lock',
  'The target has a file the lock does not name. It was never approved; loaders may pick it up (an added `.bin` next to safetensors, a new `modeling_*.py`).',
  ['CWE-494'],
);
export const LOCK_CHANGED = meta(
  'lock/changed-file',
  'high',
  'A locked file changed',
  "A file's size or SHA-256 differs from the lock: it is not the file that was reviewed and approved.",
  ['CWE-494', 'CWE-354'],
);

export const REPO_RULES: readonly RuleMeta[] = [
  TYPOSQUAT,
  REDIRECT,
  UNPINNED_REVISION,
  HUB_SECURITY_STATUS,
  HASH_MISMATCH,
  LOCK_MISSING,
  LOCK_EXTRA,
  LOCK_CHANGED,
];

/** A top-level finding about `target` as a whole (REPORT.md `findings`), under `rule`. */
export function targetFinding(rule: RuleMeta, target: string, fields: { message: string; severity?: Severity; evidence?: string }): Finding {
  return ruleFinding(rule, target, fields);
}
