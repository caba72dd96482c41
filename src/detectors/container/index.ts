import type { RuleMeta } from '../rule.js';

/**
 * Findings about containers and files rather than about their content. Handlers report these
 * directly (there is no model to check); the ids live here and nowhere else.
 */
const meta = (id: string, defaultSeverity: RuleMeta['defaultSeverity'], title: string, description: string, cwe: string): RuleMeta => ({
  id,
  defaultSeverity,
  title,
  description,
  docs: `docs/rules/${id.replace('/', '-')}.md`,
  references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', cwe],
});

export const MALFORMED_CONTAINER = meta(
  'container/malformed',
  'low',
  'Container is malformed, truncated, encrypted, unsupported or over a limit',
  'The archive or wrapper could not be read to its end. What was read before the break is reported; the rest was not scanned, so the file is never reported clean.',
  'CWE-20',
);
export const TRAILING_DATA = meta(
  'container/trailing-data',
  'info',
  'Bytes after the end of the content',
  'Bytes follow the last structure the format defines and do not parse as another pickle. Loaders ignore them; they may carry data for a second stage.',
  'CWE-434',
);
export const ZIP_DIFFERENTIAL = meta(
  'container/zip-differential',
  'info',
  'Zip entry read differently by different readers',
  'A zip entry whose local header flags disagree with the central directory (encryption claimed by the local header only), that only a local-header walk finds, or that only one of several end-of-central-directory records lists (CPython and miniz take the last record even when its comment length runs past the end; careful readers take the last one that fits; CPython also places the directory by counting back from the record), or junk between local headers. Scanners that trust one reading miss what a loader using the other reading runs; modelgate scans every reading.',
  'CWE-436',
);
export const NESTED_PAYLOAD = meta(
  'container/embedded-content',
  'info',
  'Embedded content found and scanned',
  'A member or argument holds another model file (a nested archive, an embedded pickle); it was scanned and its findings are reported under its own target.',
  'CWE-502',
);
export const SPECIAL_FILE = meta(
  'file/special',
  'low',
  'Not a regular file',
  'A FIFO, socket or device was found while walking a directory. It was not read (reading a FIFO can block forever), so it is not reported clean.',
  'CWE-400',
);
export const UNREADABLE_FILE = meta(
  'file/unreadable',
  'low',
  'File could not be read',
  'The file could not be opened or read (permissions, I/O error). It was not scanned, so it is not reported clean.',
  'CWE-20',
);
export const SYMLINK = meta(
  'file/symlink',
  'info',
  'Symbolic link',
  'Symbolic links are not followed. A link that points outside the scanned target could make a loader read a file that was never scanned.',
  'CWE-59',
);

export const CONTAINER_RULES: readonly RuleMeta[] = [
  MALFORMED_CONTAINER,
  TRAILING_DATA,
  ZIP_DIFFERENTIAL,
  NESTED_PAYLOAD,
  SPECIAL_FILE,
  UNREADABLE_FILE,
  SYMLINK,
];
