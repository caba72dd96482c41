import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread running the module `name` (without extension) that sits beside
 * `self` (the caller's `import.meta.url`): the compiled `.js` in the package; under tsx or
 * vitest the source is `.ts`, so a small bootstrap registers tsx (a dev dependency) in the
 * worker first.
 */
export function startModuleWorker(self: string, name: string, options: WorkerOptions = {}): Worker {
  if (!self.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, self), options);
  // The ES module entry of tsx/esm/api, from tsx's own exports map (require.resolve would
  // give its CommonJS twin, which cannot register the hooks in a worker).
  const manifest = createRequire(self).resolve('tsx/package.json');
  const tsx = join(dirname(manifest), JSON.parse(readFileSync(manifest, 'utf8')).exports['./esm/api'].import.default);
  const script = new URL(`./${name}.ts`, self).href;
  const bootstrap = `import(${JSON.stringify(pathToFileURL(tsx).href)}).then((api) => { api.register(); return import(${JSON.stringify(script)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * False when Node's permission model runs without `--allow-worker` (starting a worker would
 * throw ERR_ACCESS_DENIED): callers then do the work in their own thread.
 */
export function workersPermitted(): boolean {
  const permission = (process as { permission?: { has(scope: string): boolean } }).permission;
  return permission === undefined || permission.has('worker');
}
