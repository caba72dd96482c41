import { createRequire } from 'node:module';

/**
 * The format handlers (and the index of every rule), each loaded on first use (issue 16, start-up): a scan of one pickle need
 * not load the readers of ONNX, HDF5, Python, YAML and twenty other formats (about 300 modules,
 * 0.3 s of a pre-commit hook's time). The kernel is synchronous, so a handler cannot be awaited
 * when the content turns out to need it: it is loaded with require(), which loads an ES module
 * synchronously from Node 20.19 on (`process.features.require_module`), and gives the same module
 * instance as import().
 *
 * Where require() cannot load it, every handler is imported up front instead, before the kernel
 * can run (the top-level await below): on Node 20.17 and 20.18, and from the TypeScript sources
 * (tsx, vitest), whose `.ts` files require() does not load. Either way the kernel reads the same
 * handlers; only when they load differs.
 */
const requireHandler = createRequire(import.meta.url);

/** True when handlers load on first use; false when they are all imported up front. */
export const LOADS_ON_FIRST_USE = (process.features as { require_module?: boolean }).require_module === true && import.meta.url.endsWith('.js');

/** A handler module: call it for the module, loading it on the first call; or import it ahead, without blocking. */
type Lazy<T> = (() => T) & { preload(): Promise<void> };

const imports: Array<() => Promise<void>> = [];
const loadedPaths = new Set<string>();

/** The paths of the lazy modules this thread has loaded so far (for tests and diagnostics). */
export function loadedModules(): string[] {
  return [...loadedPaths];
}

/**
 * A handler module loaded on first use. `load` imports it (and types it); `path` is the same
 * path, which require() resolves from this folder: both name the module, test/cli/startup.test.ts
 * checks that each loads.
 */
function lazy<T>(load: () => Promise<T>, path: string): Lazy<T> {
  let loaded: T | undefined;
  const preload = async (): Promise<void> => {
    loaded ??= await load();
    loadedPaths.add(path);
  };
  imports.push(preload);
  const get = (): T => {
    if (loaded === undefined) {
      loaded = requireHandler(path) as T;
      loadedPaths.add(path);
    }
    return loaded;
  };
  return Object.assign(get, { preload });
}

export const handlers = {
  compressed: lazy(() => import('./handlers/compressed.js'), './handlers/compressed.js'),
  coreml: lazy(() => import('./handlers/coreml.js'), './handlers/coreml.js'),
  executorch: lazy(() => import('./handlers/executorch.js'), './handlers/executorch.js'),
  ggml: lazy(() => import('./handlers/ggml.js'), './handlers/ggml.js'),
  gguf: lazy(() => import('./handlers/gguf.js'), './handlers/gguf.js'),
  keras: lazy(() => import('./handlers/keras.js'), './handlers/keras.js'),
  mxnet: lazy(() => import('./handlers/mxnet.js'), './handlers/mxnet.js'),
  npy: lazy(() => import('./handlers/npy.js'), './handlers/npy.js'),
  onnx: lazy(() => import('./handlers/onnx.js'), './handlers/onnx.js'),
  openvino: lazy(() => import('./handlers/openvino.js'), './handlers/openvino.js'),
  paddle: lazy(() => import('./handlers/paddle.js'), './handlers/paddle.js'),
  pickle: lazy(() => import('./handlers/pickle.js'), './handlers/pickle.js'),
  safetensors: lazy(() => import('./handlers/safetensors.js'), './handlers/safetensors.js'),
  savedmodel: lazy(() => import('./handlers/savedmodel.js'), './handlers/savedmodel.js'),
  sevenzip: lazy(() => import('./handlers/sevenzip.js'), './handlers/sevenzip.js'),
  tar: lazy(() => import('./handlers/tar.js'), './handlers/tar.js'),
  text: lazy(() => import('./handlers/text.js'), './handlers/text.js'),
  tflite: lazy(() => import('./handlers/tflite.js'), './handlers/tflite.js'),
  yaml: lazy(() => import('./handlers/yaml.js'), './handlers/yaml.js'),
  zip: lazy(() => import('./handlers/zip.js'), './handlers/zip.js'),
};

/**
 * Every rule, for the provenance a result records: a scan worker, which reports only the rules
 * of the formats it reads, need not load the others.
 */
export const allRules = lazy(() => import('../detectors/index.js'), '../detectors/index.js');

if (!LOADS_ON_FIRST_USE) await Promise.all(imports.map((preload) => preload()));
