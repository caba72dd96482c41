import { ModelgateError } from '../../core/errors.js';

/** A Hugging Face model repo and the revision asked for. */
export interface HubRef {
  /** `org/name`. */
  repo: string;
  /** As asked for; `main` when none was given. */
  revision: string;
  /** True when the revision is a full 40-hex commit sha, which cannot move. */
  pinned: boolean;
}

/** A full commit sha: the only revision that names fixed content. */
export const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** Longest part of a repo id the Hub accepts (huggingface_hub `validate_repo_id`). */
export const MAX_PART_LENGTH = 96;

/*
 * A part of a repo id as the Hub allows it (huggingface_hub's validate_repo_id,
 * `^(\b[\w\-.]+\b/)?\b[\w\-.]+\b$` plus its `--`/`..` and length checks): ASCII letters,
 * digits, `_`, `-`, `.`, beginning and ending with a letter, digit or `_`.
 */
const PART = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

/** True when `part` is a valid organisation or repo name on the Hub. */
export function isHubPart(part: string): boolean {
  return part.length <= MAX_PART_LENGTH && PART.test(part) && !part.includes('--') && !part.includes('..');
}

function checkPart(part: string, what: string, input: string): void {
  if (!isHubPart(part)) throw new ModelgateError('USAGE', `not a Hugging Face repo ${what}: '${part}' in ${input}`);
}

/** True when `target` names a Hugging Face repo rather than a local path. */
export function isHubTarget(target: string): boolean {
  return /^hf:/.test(target) || /^https?:\/\/(www\.)?(huggingface|hf)\.co\//.test(target);
}

/** A URL's revision part, percent-decoded (`refs%2Fpr%2F1`); a broken escape is no revision. */
function decodeRevision(part: string, input: string): string {
  try {
    return decodeURIComponent(part);
  } catch (e) {
    throw new ModelgateError('USAGE', `not a revision: '${part}' in ${input}`, { cause: e });
  }
}

/**
 * Parses `hf:ORG/NAME[@REV]`, `hf://ORG/NAME[@REV]` and `https://huggingface.co/ORG/NAME[/tree/REV]`
 * (also `/blob/REV/...` and `/resolve/REV/...`, whose file part is dropped: the unit is the repo).
 */
export function parseHubRef(input: string): HubRef {
  let rest: string;
  let revision: string | undefined;
  const url = /^https?:\/\/(?:www\.)?(?:huggingface|hf)\.co\/(.*)$/.exec(input);
  if (url) {
    const parts = url[1]!.split(/[?#]/)[0]!.split('/').filter(Boolean);
    if (parts[0] === 'models') parts.shift();
    if (parts[0] === 'datasets' || parts[0] === 'spaces') throw new ModelgateError('USAGE', `only model repos are scanned, not ${parts[0]}: ${input}`);
    if (parts.length < 2) throw new ModelgateError('USAGE', `a Hugging Face URL needs ORG/NAME: ${input}`);
    rest = `${parts[0]}/${parts[1]}`;
    if (parts.length >= 4 && ['tree', 'blob', 'resolve', 'commit'].includes(parts[2]!)) revision = decodeRevision(parts[3]!, input);
  } else {
    rest = input.replace(/^hf:(\/\/)?/, '');
    if (rest.startsWith('models/')) rest = rest.slice('models/'.length);
    const at = rest.indexOf('@');
    if (at >= 0) {
      revision = rest.slice(at + 1);
      rest = rest.slice(0, at);
      if (revision === '') throw new ModelgateError('USAGE', `empty revision after @ in ${input}`);
    }
  }
  const parts = rest.split('/');
  if (parts.length !== 2) throw new ModelgateError('USAGE', `a Hugging Face repo is ORG/NAME: ${input}`);
  checkPart(parts[0]!, 'organisation', input);
  checkPart(parts[1]!, 'name', input);
  const rev = revision ?? 'main';
  if (/[\s\\]|\.\./.test(rev)) throw new ModelgateError('USAGE', `not a revision: '${rev}'`);
  return { repo: rest, revision: rev, pinned: COMMIT_SHA.test(rev) };
}
