import type { Severity } from '../../core/severity.js';
import { maxSeverity } from '../../core/severity.js';
import type { KerasModel, KerasObject } from '../../formats/keras/model.js';
import type { Rule } from '../types.js';
import { denyGrade } from '../pickle/denylist.js';
import { allowedBuiltinFunction, allowedKerasName, allowedKerasPath, KERAS_ALLOWLIST_VERSION } from './allowlist.js';
import { dangerousModule, gadgetLikeName, kerasGadget } from './names.js';

interface Grade {
  severity: Severity;
  why: string;
}

/** tf.keras and tf_keras (the Keras 2 line), which the allow-list does not snapshot: they resolve a name in their own modules. */
const KERAS2_LINE = /^(tf_keras|tensorflow\.keras|tensorflow\.python\.keras|keras\._tf_keras|keras\.api\._v2)(\.|$)/;
/** Keras 3's own package. */
const KERAS3 = /^keras(\.|$)/;
/** Packages whose modules Keras 3 imports to find a class, but only a serialisable Keras class (Keras 3.9+). */
const KERAS_LIBRARIES = /^(keras_hub|keras_cv|keras_nlp)(\.|$)/;

const kind = (isFunction: boolean): string => (isFunction ? 'function' : 'class');

/** The worst of what the deny tables say about `module.name`: Keras's own gadgets, dangerous modules, the pickle deny-list. */
function knownDanger(module: string, name: string | undefined): Grade | undefined {
  const dotted = name !== undefined ? `${module}.${name}` : module;
  const grades: Grade[] = [];
  const gadget = KERAS2_LINE.test(module) || KERAS3.test(module) ? kerasGadget(dotted) : undefined;
  if (gadget) grades.push({ severity: gadget.severity, why: `${dotted} ${gadget.why}` });
  const danger = dangerousModule(module, name);
  if (danger) grades.push(danger);
  const deny = denyGrade(dotted);
  if (deny) grades.push({ severity: deny.severity, why: `${deny.matched} ${deny.why}` });
  if (grades.length === 0) return undefined;
  const severity = grades.map((g) => g.severity).reduce(maxSeverity);
  return { severity, why: grades.find((g) => g.severity === severity)!.why };
}

/**
 * How `module.name` is judged. Keras 3 imports `module` and takes `name` from it
 * (`_retrieve_class_or_fn`); before 3.9 it did so for any module, and its safe mode did not
 * stop it (CVE-2025-1550). Only the serialisable classes and functions of the Keras
 * allow-list pass; a path inside the keras package is not trusted for its prefix
 * (`keras.utils.get_file`, CVE-2025-8747), and the deny tables grade the worst.
 */
function gradeModule(module: string, name: string | undefined, isFunction: boolean): Grade | undefined {
  const dotted = name !== undefined ? `${module}.${name}` : module;
  const danger = knownDanger(module, name);
  if (danger) return danger;
  const root = module.split('.')[0]!;
  // Keras looks `builtins` functions up among its own activations, losses and metrics.
  if (root === 'builtins' || root === '__builtin__') {
    if (isFunction && name !== undefined && allowedBuiltinFunction(name)) return undefined;
    return isFunction
      ? { severity: 'medium', why: `${dotted} is not a function Keras resolves among its activations, losses and metrics; older Keras takes it from builtins` }
      : { severity: 'medium', why: 'a Python builtin class, which no Keras model needs' };
  }
  if (KERAS2_LINE.test(module) || KERAS3.test(module)) {
    if (name !== undefined && allowedKerasPath(module, name, isFunction)) return undefined;
    if (name !== undefined && allowedKerasName(name, isFunction)) {
      if (KERAS2_LINE.test(module)) return undefined;
      return {
        severity: 'low',
        why: `${dotted} is not a path Keras ${KERAS_ALLOWLIST_VERSION} exports ${name} at; Keras resolves it only if that module holds the serialisable ${kind(isFunction)} of that name`,
      };
    }
    return {
      severity: gadgetLikeName(name) ? 'high' : 'medium',
      why: `${dotted} is not a serialisable Keras ${kind(isFunction)} (allow-list of Keras ${KERAS_ALLOWLIST_VERSION}): loading imports ${module} and calls what it names`,
    };
  }
  if (KERAS_LIBRARIES.test(module)) {
    if (gadgetLikeName(name)) return { severity: 'high', why: `${name} is the name of a function that runs code or does I/O` };
    if (!isFunction && name !== undefined && /^[A-Z]/.test(name)) {
      return { severity: 'low', why: `a ${root} class, outside the Keras allow-list; Keras 3.9+ resolves it only when it is a serialisable Keras class` };
    }
    return { severity: 'medium', why: `a ${kind(isFunction)} of ${root}, outside the Keras allow-list: loading imports it and runs its code` };
  }
  // Reported by keras/external-model, with where it loads from.
  if (root === 'tensorflow_hub' && name === 'KerasLayer') return undefined;
  if (root === 'tensorflow') {
    return gadgetLikeName(name) || /\.(io|gfile|saved_model|py_func)(\.|$)/.test(module)
      ? { severity: 'high', why: `${dotted} reads or writes files, loads models or runs Python` }
      : { severity: 'medium', why: 'TensorFlow outside tf.keras, which Keras configs do not reference' };
  }
  if (gadgetLikeName(name)) return { severity: 'high', why: `${name} is the name of a function that runs code or does I/O` };
  if (root === '__main__') return { severity: 'medium', why: 'a custom object from the script that saved the model: loading needs its code' };
  return { severity: 'medium', why: `a custom object from the package ${JSON.stringify(root)}: loading imports it and runs its code` };
}

/** A registered name `package>Name` naming a dangerous module; Keras resolves it through its registry only. */
function gradeRegistered(registered: string | undefined): Grade | undefined {
  const cut = registered?.indexOf('>') ?? -1;
  if (registered === undefined || cut <= 0) return undefined;
  const danger = dangerousModule(registered.slice(0, cut), registered.slice(cut + 1));
  return danger ? { severity: 'high', why: `registered name ${JSON.stringify(registered)}: ${danger.why}` } : undefined;
}

function describe(o: KerasObject): string {
  const parts = [`module ${JSON.stringify(o.module ?? null)}`, `class_name ${JSON.stringify(o.className)}`];
  if (o.functionName !== undefined) parts.push(`function ${JSON.stringify(o.functionName)}`);
  if (o.registeredName !== undefined) parts.push(`registered_name ${JSON.stringify(o.registeredName)}`);
  return parts.join(', ');
}

/**
 * Config objects whose `module` + `class_name` (or function name) or `registered_name` resolve
 * to something outside the Keras allow-list: the Keras safe_mode bypass (CVE-2025-1550)
 * resolves any importable function, such as `builtins.eval`, `os.system` or
 * `keras.utils.get_file`, and calls it while loading.
 */
export const foreignModule: Rule<KerasModel> = {
  meta: {
    id: 'keras/foreign-module',
    defaultSeverity: 'medium',
    title: 'Keras config references code outside the Keras allow-list',
    description:
      "A serialized object in the model's config names a module and class or function that is not one of Keras's serialisable layers, models, losses, metrics, optimizers, schedules, initializers, regularizers, constraints, dtype policies or activations (the allow-list generated from the keras package). Loading imports that module and calls what it names; Keras before 3.9 did so even in safe mode (CVE-2025-1550). os, subprocess, builtins.eval and Keras's own file, download and safe-mode functions are high or critical; anything else outside the allow-list, custom layers included, is medium, since its code is not in the file.",
    docs: 'docs/rules/keras-foreign-module.md',
    references: [
      'MITRE ATLAS AML.T0010',
      'MITRE ATLAS AML.T0011.000',
      'OWASP LLM03:2025',
      'CWE-470',
      'CWE-502',
      'CVE-2025-1550',
      'CVE-2025-8747',
      'CVE-2025-9906',
    ],
    // 2: judged by the Keras allow-list (allowlist.json), not by the keras package prefix; data changes bump it.
    version: 2,
  },
  check(model, ctx) {
    for (const o of model.objects) {
      // Keras 2 objects carry no module: Keras resolves them by name among its own classes.
      if (o.module === undefined && o.registeredName === undefined) continue;
      if (o.className === '__lambda__') continue;
      const isFunction = o.className === 'function';
      const name = isFunction ? o.functionName : o.className;
      const grades = [o.module !== undefined ? gradeModule(o.module, name, isFunction) : undefined, gradeRegistered(o.registeredName)].filter(
        (g): g is Grade => g !== undefined,
      );
      if (grades.length === 0) continue;
      const severity = grades.map((g) => g.severity).reduce(maxSeverity);
      const layer = o.layerName !== undefined ? ` in layer ${JSON.stringify(o.layerName)}` : '';
      ctx.report({
        severity,
        message: `config object at ${o.path}${layer} names ${describe(o)}: ${grades.map((g) => g.why).join('; ')}`,
        evidence: `${o.path}: ${o.module ?? ''}${o.module !== undefined ? '.' : ''}${name ?? o.className}`,
      });
    }
  },
};
