import type { FileResult, ScanResult } from '../../core/report-types.js';
import { html, type SafeHtml } from './escape.js';
import { type RuleIndex, renderFindings } from './findings.js';
import { formatSize, VERDICT_ORDER } from './format.js';

/** The page anchor of `result.files[index]`: built from the index, never from the name. */
export function fileAnchor(index: number): string {
  return `file-${index}`;
}

const SHA_SOURCE: Record<string, string> = {
  computed: 'computed from every byte',
  'hub-lfs': "from the Hub's LFS metadata, not recomputed",
};

function sha256Text(file: FileResult): SafeHtml {
  if (file.sha256 === undefined) return html`<span class="muted">not computed (hashing was off)</span>`;
  const source = file.sha256Source === undefined ? undefined : (SHA_SOURCE[file.sha256Source] ?? file.sha256Source);
  return html`<code class="hash">${file.sha256}</code>${source !== undefined && html` <span class="muted">(${source})</span>`}`;
}

/** The target a file belongs to, when the scan had several and the file is not one itself. */
function targetOf(file: FileResult, result: ScanResult): string | undefined {
  if (file.targetIndex === undefined) return undefined;
  const target = result.targets[file.targetIndex] ?? `#${file.targetIndex}`;
  return target === file.path ? undefined : target;
}

function fileFacts(file: FileResult, result: ScanResult): SafeHtml {
  const target = targetOf(file, result);
  return html`<dl class="facts file-facts">
<div><dt>Format</dt><dd><code>${file.format}</code></dd></div>
<div><dt>Size</dt><dd>${formatSize(file.size)}</dd></div>
<div><dt>SHA-256</dt><dd>${sha256Text(file)}</dd></div>
${
  target !== undefined &&
  html`<div><dt>Target</dt><dd><code>${target}</code></dd></div>
`
}</dl>
`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A file whose verdict is not clean: open, with every finding. */
function flaggedFile(file: FileResult, index: number, result: ScanResult, rules: RuleIndex): SafeHtml {
  return html`<details class="file verdict-${file.verdict}" id="${fileAnchor(index)}" open>
<summary class="file-head"><span class="badge verdict verdict-${file.verdict}">${file.verdict}</span> <code class="path">${file.path}</code> <span class="finding-count">${plural(file.findings.length, 'finding', 'findings')}</span></summary>
<div class="file-body">
${fileFacts(file, result)}${file.findings.length > 0 && renderFindings(file.findings, rules, file.path)}</div>
</details>
`;
}

/** A clean file in the compact list; its info and low findings (advice) folded away. */
function cleanFile(file: FileResult, index: number, result: ScanResult, rules: RuleIndex): SafeHtml {
  const notes =
    file.findings.length > 0 &&
    html`<details class="notes">
<summary>${plural(file.findings.length, 'note', 'notes')}</summary>
${renderFindings(file.findings, rules, file.path)}</details>
`;
  return html`<li class="clean-file" id="${fileAnchor(index)}">
<div class="file-head"><span class="badge verdict verdict-${file.verdict}">${file.verdict}</span> <code class="path">${file.path}</code></div>
${fileFacts(file, result)}${notes}</li>
`;
}

/**
 * Every file: the flagged ones first (malicious, suspicious, then error; report order within
 * each), open; then the clean ones in one collapsed list.
 */
export function renderFiles(result: ScanResult, rules: RuleIndex): SafeHtml {
  if (result.files.length === 0) {
    return html`<section class="files-section"><h2>Files</h2><p class="muted">No files were scanned.</p></section>
`;
  }
  const indexed = result.files.map((file, index) => ({ file, index }));
  const flagged = VERDICT_ORDER.filter((v) => v !== 'clean').flatMap((verdict) => indexed.filter(({ file }) => file.verdict === verdict));
  // Anything not flagged is listed as clean, so an unexpected verdict is still shown.
  const shown = new Set(flagged.map(({ index }) => index));
  const clean = indexed.filter(({ index }) => !shown.has(index));
  return html`<section class="files-section">
<h2>Files <span class="muted">(${result.files.length})</span></h2>
${flagged.map(({ file, index }) => flaggedFile(file, index, result, rules))}${
    clean.length > 0 &&
    html`<details class="clean-files">
<summary>${plural(clean.length, 'clean file', 'clean files')}</summary>
<ul class="clean-list">
${clean.map(({ file, index }) => cleanFile(file, index, result, rules))}</ul>
</details>
`
  }</section>
`;
}
