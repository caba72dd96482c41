import type { KerasLambda, KerasModel } from '../../formats/keras/model.js';
import type { Rule } from '../types.js';
import { denyGrade } from '../pickle/denylist.js';
import { allowedKerasName } from './allowlist.js';
import { dangerousCodeNames, dangerousModule, gadgetLikeName, isKerasModule, kerasGadget } from './names.js';

const quote = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
const list = (items: readonly string[], max = 12): string => items.slice(0, max).join(', ') + (items.length > max ? `, … (${items.length} in all)` : '');

function where(lambda: KerasLambda): string {
  return lambda.layerName !== undefined ? `Lambda layer ${quote(lambda.layerName)}` : `the lambda at ${lambda.path}`;
}

/** A named function that runs code or does I/O: a Keras gadget (`get_file`), a deny-listed path, or a gadget-like name. */
function namedFunctionDanger(module: string | undefined, name: string | undefined): boolean {
  if (name === undefined) return false;
  const dotted = module !== undefined ? `${module}.${name}` : name;
  return gadgetLikeName(name) || kerasGadget(dotted) !== undefined || denyGrade(dotted) !== undefined;
}

/**
 * A named function of a math library: inside Keras only an allowed Keras function name (not
 * any function in a keras module), in TensorFlow, numpy or math any name that is no gadget.
 */
function isLibraryFunction(module: string | undefined, name: string | undefined): boolean {
  if (module === undefined || name === undefined) return false;
  if (isKerasModule(module)) return allowedKerasName(name, true);
  return /^(tensorflow|numpy|math)(\.|$)/.test(module);
}

/**
 * Python code stored in a Keras config: `Lambda` layers (Keras 2 `[code, defaults, closure]`
 * lists, Keras 3 `__lambda__` objects, also in `output_shape` and anywhere else Keras 3 accepts
 * a function). Keras rebuilds it with `marshal.loads` and runs it when the model is built at
 * load: always in Keras 2 and in legacy `.h5` loads (CVE-2024-3660, CVE-2025-9905), and in
 * Keras 3 with `safe_mode=False` or after safe mode was switched off.
 */
export const lambdaLayer: Rule<KerasModel> = {
  meta: {
    id: 'keras/lambda-layer',
    defaultSeverity: 'high',
    title: 'Keras model carries Python code (Lambda)',
    description:
      'A Lambda layer (or another function in the config) holds marshalled Python bytecode, which Keras turns back into a function and runs while loading the model. Keras 2 and legacy .h5 loading run it without asking; Keras 3 runs it with safe_mode=False. The names the code uses are listed; process, exec, file and network names make it critical.',
    docs: 'docs/rules/keras-lambda-layer.md',
    references: [
      'MITRE ATLAS AML.T0010',
      'MITRE ATLAS AML.T0011.000',
      'MITRE ATLAS AML.T0018',
      'OWASP LLM03:2025',
      'OWASP LLM04:2025',
      'CWE-94',
      'CWE-502',
      'CVE-2024-3660',
      'CVE-2025-9905',
    ],
    // 2: a named function inside Keras is low only when it is on the Keras allow-list.
    version: 2,
  },
  check(model, ctx) {
    for (const lambda of model.lambdas) {
      const moduleDanger = lambda.module !== undefined ? dangerousModule(lambda.module, undefined) : undefined;
      const moduleNote = moduleDanger ? `; its globals are module ${quote(lambda.module!)} (${moduleDanger.why})` : '';
      if (lambda.form === 'keras2-named') {
        // Lambda(tf.nn.relu) saves the name and its module; Keras 2 takes the name from that module's globals.
        const severity =
          moduleDanger || namedFunctionDanger(lambda.module, lambda.functionName)
            ? 'high'
            : isLibraryFunction(lambda.module, lambda.functionName)
              ? 'low'
              : 'medium';
        ctx.report({
          severity,
          message: `${where(lambda)} calls the function ${quote(lambda.functionName ?? '?')} by name${moduleNote}: its code is not in the file, so what runs depends on what the loader has defined`,
          evidence: `${lambda.path}: ${lambda.functionName ?? '?'}${lambda.module !== undefined ? ` (module ${lambda.module})` : ''}`,
        });
        continue;
      }
      if (!lambda.code) {
        ctx.report({
          message: `${where(lambda)} holds Python code that Keras runs at load, but modelgate could not decode it (${lambda.error ?? 'unknown reason'}); it is judged as code all the same`,
          evidence: lambda.path,
        });
        continue;
      }
      const { names, strings, filename } = lambda.code;
      const danger = dangerousCodeNames([...names, ...strings]);
      const uses = names.length > 0 ? `uses ${list(names)}` : 'uses no global names';
      const consts = strings.length > 0 ? ` and the strings ${list(strings.map(quote), 6)}` : '';
      const via = lambda.encoding === 'raw' ? ' (stored as raw text, which Keras reads when the text is not base64)' : '';
      ctx.report({
        severity: danger.length > 0 || moduleDanger ? 'critical' : 'high',
        message:
          `${where(lambda)} holds marshalled Python code${via} that runs when the model is loaded; it ${uses}${consts}${moduleNote}` +
          (danger.length > 0 ? `: ${list(danger)} reach processes, code execution, files or the network` : ''),
        evidence: `${lambda.path}: names=[${list(names, 24)}]${strings.length > 0 ? ` strings=[${list(strings.map(quote), 8)}]` : ''}${filename !== undefined ? ` file=${quote(filename)}` : ''}`,
      });
    }
  },
};
