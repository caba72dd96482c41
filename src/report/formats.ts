/**
 * The report formats by name, apart from their renderers, so that the CLI can define its options
 * without loading them.
 */

/** The formats `modelgate scan --format` can print. */
export const REPORT_FORMATS = ['json', 'sarif', 'text', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** True when `value` names a report format. */
export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}
