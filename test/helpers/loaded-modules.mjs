/**
 * Preloaded with `node --import` by test/cli/startup.test.ts: appends the file URL of every ES
 * module the process loads, one a line, to the file named by MODELGATE_TEST_LOADED. The loader
 * hooks run in a thread of their own, so they write the file themselves (synchronously), rather
 * than post to the main thread, whose last messages an exit would lose.
 */
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
let out;
export function initialize(data) { out = data.out; }
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(out, url + '\\n');
  return next(url, context);
}
`;

const out = process.env.MODELGATE_TEST_LOADED;
if (out) register(`data:text/javascript,${encodeURIComponent(hooks)}`, import.meta.url, { data: { out } });
