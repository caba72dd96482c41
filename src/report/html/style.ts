import { createHash } from 'node:crypto';

/**
 * The page's only style sheet, inline: the report is one file that loads nothing. System
 * fonts only (no web fonts). Colours come in pairs for light and dark schemes; each verdict and
 * severity is also written out as a word, never shown by colour alone. Narrow screens get one
 * column; long paths, hashes and evidence wrap instead of scrolling the page sideways.
 */
export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --card: #ffffff; --text: #1b1f24; --muted: #5b6470; --line: #d8dde3;
  --code-bg: #f0f2f5; --evidence-bg: #1e2329; --evidence-text: #f3f5f7;
  --malicious: #b42318; --malicious-bg: #fde8e6; --suspicious: #9a5b00; --suspicious-bg: #fff3d6;
  --error: #7a2e8e; --error-bg: #f5e8f8; --clean: #1c7c3a; --clean-bg: #e4f5e9;
  --info: #475467; --info-bg: #eef1f4; --low: #1d5fa8; --low-bg: #e5effa;
  --link: #1d5fa8;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #121417; --card: #1b1e23; --text: #e7eaee; --muted: #9aa4b0; --line: #333a42;
    --code-bg: #262a31; --evidence-bg: #0b0d10; --evidence-text: #f3f5f7;
    --malicious: #ff8a80; --malicious-bg: #3d1714; --suspicious: #ffc266; --suspicious-bg: #3a2a0c;
    --error: #e0a6f0; --error-bg: #33193b; --clean: #7ad69a; --clean-bg: #12301d;
    --info: #b8c2cc; --info-bg: #262a31; --low: #8cc0ff; --low-bg: #142a44;
    --link: #8cc0ff;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
}
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem clamp(0.75rem, 3vw, 2rem) 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 0.25rem; }
h2 { font-size: 1.2rem; margin: 0 0 0.75rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.5rem; }
a { color: var(--link); }
code, pre { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
code { overflow-wrap: anywhere; word-break: break-word; }
.muted { color: var(--muted); font-weight: normal; }
section, .file, .clean-files { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.25rem; margin: 0 0 1rem; }
.page-head { margin: 0 0 1.25rem; }
.targets { margin: 0; display: flex; flex-wrap: wrap; gap: 0.4rem; }
.targets code { background: var(--code-bg); padding: 0.1rem 0.45rem; border-radius: 5px; }
.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 999px; font-size: 0.8rem; font-weight: 600;
  text-transform: uppercase; letter-spacing: 0.03em; white-space: nowrap; vertical-align: 0.05em; }
.verdict-malicious .n, .badge.verdict-malicious, .badge.sev-critical, .badge.sev-high { color: var(--malicious); }
.badge.verdict-malicious, .badge.sev-critical, .badge.sev-high { background: var(--malicious-bg); }
.badge.sev-critical { outline: 1px solid var(--malicious); }
.verdict-suspicious .n, .badge.verdict-suspicious, .badge.sev-medium { color: var(--suspicious); }
.badge.verdict-suspicious, .badge.sev-medium { background: var(--suspicious-bg); }
.verdict-error .n, .badge.verdict-error, .badge.fatal { color: var(--error); }
.badge.verdict-error, .badge.fatal { background: var(--error-bg); }
.verdict-clean .n, .badge.verdict-clean { color: var(--clean); }
.badge.verdict-clean { background: var(--clean-bg); }
.badge.sev-low { color: var(--low); background: var(--low-bg); }
.badge.sev-info { color: var(--info); background: var(--info-bg); }
.decision { border-width: 2px; }
.decision-deny { border-color: var(--malicious); background: var(--malicious-bg); }
.decision-allow { border-color: var(--clean); background: var(--clean-bg); }
.decision-verdict { margin: 0 0 0.5rem; font-size: 1.35rem; font-weight: 600; display: flex; flex-wrap: wrap; align-items: center; gap: 0.6rem; }
.decision-word { padding: 0.1rem 0.75rem; border-radius: 6px; color: #fff; letter-spacing: 0.05em; }
.decision-deny .decision-word { background: #b42318; }
.decision-allow .decision-word { background: #1c7c3a; }
.decision p { margin: 0.25rem 0; }
.reasons { margin: 0.25rem 0 0; padding-left: 1.5rem; }
.reasons li { margin: 0.3rem 0; overflow-wrap: anywhere; }
.reason-rule { font-weight: 600; }
.reason-rule::after { content: ":"; }
.reason-about { color: var(--muted); font-size: 0.9rem; }
.counts { list-style: none; margin: 0 0 1rem; padding: 0; display: grid; gap: 0.6rem; grid-template-columns: repeat(auto-fit, minmax(7.5rem, 1fr)); }
.count { border: 1px solid var(--line); border-radius: 8px; padding: 0.5rem 0.75rem; display: flex; flex-direction: column; }
.count .n { font-size: 1.7rem; font-weight: 700; line-height: 1.2; }
.count .label { color: var(--muted); text-transform: capitalize; }
.count.zero .n { color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.3rem 1rem; margin: 0; }
.facts > div { display: contents; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; min-width: 0; }
.facts .warn dt, .facts .warn dd > code { color: var(--suspicious); font-weight: 600; }
.hash { font-size: 0.85em; }
.file { padding: 0; }
.file > summary, .clean-files > summary, .notes > summary { cursor: pointer; }
.file-head { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; }
.file > summary { padding: 0.85rem 1.25rem; }
.file[open] > summary { border-bottom: 1px solid var(--line); }
.file .path { font-size: 1rem; font-weight: 600; }
.file > summary { list-style: none; }
.file > summary::-webkit-details-marker { display: none; }
.file > summary::before { content: "\\25BE"; color: var(--muted); width: 1em; }
.file:not([open]) > summary::before { content: "\\25B8"; }
.finding-count { margin-left: auto; font-size: 0.9rem; color: var(--muted); }
.file.verdict-malicious { border-left: 5px solid var(--malicious); }
.file.verdict-suspicious { border-left: 5px solid var(--suspicious); }
.file.verdict-error { border-left: 5px solid var(--error); }
.file-body { padding: 0.85rem 1.25rem 1rem; }
.file-facts { margin-bottom: 0.75rem; }
.findings { list-style: none; margin: 0; padding: 0; }
.finding { border-top: 1px solid var(--line); padding: 0.75rem 0; }
.finding:last-child { padding-bottom: 0; }
.finding-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.5rem; }
.rule-id { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-weight: 600; overflow-wrap: anywhere; }
.rule-title { color: var(--muted); }
.message { margin: 0.35rem 0 0.5rem; overflow-wrap: anywhere; }
.finding .facts { font-size: 0.9rem; }
.evidence { margin-top: 0.6rem; }
.figures { display: flex; flex-wrap: wrap; gap: 0.8rem; margin: 0.6rem 0 0; }
.figures figure { margin: 0; }
.figures img { image-rendering: pixelated; border: 1px solid var(--muted); max-width: 14rem; }
.figures figcaption { font-size: 0.8rem; color: var(--muted); }
.evidence-label { font-size: 0.8rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.05em; margin-bottom: 0.2rem; }
pre { margin: 0; padding: 0.7rem 0.9rem; border-radius: 6px; background: var(--evidence-bg); color: var(--evidence-text);
  white-space: pre-wrap; overflow-wrap: anywhere; max-height: 24rem; overflow: auto; }
.source pre { background: var(--code-bg); color: var(--text); margin-top: 0.3rem; }
.clean-files > summary { font-weight: 600; }
.clean-list { list-style: none; margin: 0.75rem 0 0; padding: 0; }
.clean-file { border-top: 1px solid var(--line); padding: 0.6rem 0; }
.clean-file .file-head { margin-bottom: 0.3rem; }
.clean-file .facts { font-size: 0.9rem; }
.notes { margin-top: 0.3rem; font-size: 0.9rem; }
.notes > summary { color: var(--muted); }
footer { color: var(--muted); font-size: 0.85rem; text-align: center; margin-top: 2rem; }
@media (max-width: 36rem) {
  body { font-size: 14px; }
  .facts { grid-template-columns: minmax(0, 1fr); gap: 0 0; }
  .facts dd { margin-bottom: 0.35rem; }
  .finding-count { margin-left: 0; }
  section, .clean-files { padding: 0.85rem; }
  .file > summary, .file-body { padding-left: 0.85rem; padding-right: 0.85rem; }
}
@media print {
  body { background: #fff; }
  pre { max-height: none; }
}
`;

/**
 * The Content-Security-Policy of the page. `default-src 'none'` forbids every load (no
 * network, no file, no script); the one inline style sheet is allowed by its hash, so a
 * `<style>`, `style=` attribute or `<script>` that escaping let through still would not apply.
 * `base-uri` and `form-action` are not covered by `default-src` and are closed too. Images
 * may only be `data:` URIs embedded in the page (the triggers `modelgate screen` recovers), so
 * they load nothing either.
 */
export const REPORT_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(REPORT_CSS).digest('base64')}'`,
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
