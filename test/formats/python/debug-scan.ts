/**
 * Debugging aid (not a test): prints the findings of Python files and notebooks, and for
 * Python files what each call's callee resolves to.
 * Usage: npx tsx test/formats/python/debug-scan.ts <file.py|file.ipynb> …
 */
import { readFileSync } from 'node:fs';
import { resolve } from '../../../src/formats/python/resolve.js';
import { initPython } from '../../../src/formats/python/runtime.js';
import { model, scanNotebookDoc, scanSource, summary } from './helpers.js';

await initPython();
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  const notebook = file.endsWith('.ipynb');
  const { findings } = notebook ? scanNotebookDoc(JSON.parse(text)) : scanSource(text);
  console.log(
    file,
    summary(findings),
    findings.map((f) => f.message),
  );
  if (notebook) continue;
  const m = model(text);
  for (const c of m.calls) console.log(`  ${m.text.slice(c.at, c.end)} ->`, resolve(m, c.callee));
}
