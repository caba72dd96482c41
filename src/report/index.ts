import type { ScanResult } from '../core/report-types.js';
import type { RuleMeta } from '../detectors/rule.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderSarif, type SarifOptions } from './sarif.js';
import { renderText } from './text.js';
import type { ReportFormat } from './formats.js';

export { renderHtml } from './html.js';
export { renderJson } from './json.js';
export { renderSarif, SARIF_SCHEMA_URI, type SarifOptions } from './sarif.js';
export { renderText, type TextOptions } from './text.js';

export { isReportFormat, REPORT_FORMATS, type ReportFormat } from './formats.js';

/** Options that only some formats use; the others ignore them. */
export interface RenderOptions {
  /** Text: ANSI colours (default off). */
  color?: boolean;
  /** Text: list clean files without findings too. */
  verbose?: boolean;
  /** SARIF: the root of artifact URIs, info findings, line numbers (see SarifOptions). */
  sarif?: SarifOptions;
}

/**
 * The scan report in `format`, as the text to print or write. Pure: the same result, rules
 * and options always give the same text. `rules` describes the rules for SARIF and HTML.
 */
export function renderReport(format: ReportFormat, result: ScanResult, rules: readonly RuleMeta[], opts: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return renderJson(result);
    case 'sarif':
      return renderSarif(result, rules, opts.sarif);
    case 'text':
      return renderText(result, { color: opts.color ?? false, verbose: opts.verbose });
    case 'html':
      return renderHtml(result, rules);
  }
}
