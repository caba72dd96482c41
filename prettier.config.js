// @ts-check
/**
 * Prettier, for the TypeScript and JavaScript files (.prettierignore keeps it off docs, data,
 * fixtures, goldens and JSON written by tools).
 *
 * printWidth 160: the code is written wide (median line 38 characters, 99th percentile 167, 1 in 40
 * lines over 140). Measured over src, test, bench and scripts, reformatting touches 390 files at
 * width 120, 319 at 140, 255 at 160 and 218 at 180; 160 keeps the diff small without lines past
 * what a side-by-side review shows. The rest is the code's own style: single quotes, semicolons,
 * trailing commas, parentheses around every arrow parameter (the code's usual form; `avoid`
 * touches ~100 more files).
 * @type {import('prettier').Config}
 */
export default {
  printWidth: 160,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: true,
  trailingComma: 'all',
  arrowParens: 'always',
  bracketSpacing: true,
  endOfLine: 'lf',
  // Template literals are output (HTML pages, messages): their text is kept exactly as written.
  embeddedLanguageFormatting: 'off',
};
