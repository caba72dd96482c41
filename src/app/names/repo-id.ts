import { ModelgateError } from '../../core/errors.js';
import { isHubPart, MAX_PART_LENGTH } from '../../sources/hf/ref.js';

/**
 * Hugging Face repo ids: `ORG/NAME`, or a legacy `NAME` from before namespaces (`gpt2`,
 * `bert-base-uncased`, now redirected to an organisation).
 *
 * The Hub accepts letters, digits, `-`, `_` and `.` in each part, at most 96 characters, and
 * no `--` or `..` (huggingface_hub `validate_repo_id`). A name typed by a person, pasted from
 * a README or found in code may hold anything else, such as a Cyrillic look-alike letter, so
 * parsing accepts any visible characters and `hubSyntax` says whether the Hub would.
 */
export interface RepoId {
  /** The organisation or user; undefined for a legacy id without one. */
  org?: string;
  name: string;
  /** `org/name`, or `name` alone. */
  id: string;
  /** True when both parts use only what the Hub allows in repo ids. */
  hubSyntax: boolean;
}

export { isHubPart, MAX_PART_LENGTH };

// Control characters, spaces and separators of any script: never part of a name.
const INVISIBLE = /[\p{C}\p{Z}]/u;

/** True when `id` is `ORG/NAME` or `NAME` in the Hub's syntax. */
export function isHubRepoId(id: string): boolean {
  const parts = id.split('/');
  return parts.length <= 2 && parts.every(isHubPart);
}

/**
 * Parse `ORG/NAME` (also `hf:ORG/NAME`, `hf://ORG/NAME`, `https://huggingface.co/ORG/NAME`,
 * with an optional `@REVISION`). Throws a USAGE error for anything that is not a repo id.
 */
export function parseRepoId(input: string): RepoId {
  let text = input.trim();
  text = text.replace(/^hf:(\/\/)?/, '');
  const url = /^https?:\/\/(?:www\.)?(?:huggingface\.co|hf\.co)\/(.*)$/.exec(text);
  if (url) {
    // Only the first two path segments name the repo; /tree/main, /blob/... follow.
    const segments = url[1]!
      .split(/[?#]/)[0]!
      .split('/')
      .filter((s) => s !== '');
    text = segments.slice(0, 2).join('/');
  }
  const at = text.indexOf('@');
  if (at >= 0) text = text.slice(0, at);
  const parts = text.split('/');
  if (text === '' || parts.length > 2 || parts.some((p) => p === '')) {
    throw new ModelgateError('USAGE', `not a repo id: ${JSON.stringify(input)} (expected ORG/NAME)`);
  }
  for (const part of parts) {
    if (INVISIBLE.test(part)) throw new ModelgateError('USAGE', `repo id ${JSON.stringify(input)} holds spaces or control characters`);
    if ([...part].length > MAX_PART_LENGTH) throw new ModelgateError('USAGE', `repo id part longer than ${MAX_PART_LENGTH} characters`);
  }
  // One or two non-empty parts, checked above.
  const org = parts.length === 2 ? parts[0] : undefined;
  const name = parts[parts.length - 1]!;
  return { org, name, id: text, hubSyntax: parts.every(isHubPart) };
}
