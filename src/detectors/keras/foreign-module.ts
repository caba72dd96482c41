import type { Severity } from '../../core/severity.js';
import { maxSeverity } from '../../core/severity.js';
import type { KerasModel, KerasObject } from '../../formats/keras/model.js';
import type { Rule } from '../types.js';
import { dangerousModule, gadgetLikeName, isKerasModule, kerasGadget } from './names.js';

interface Grade {
  severity: Severity;
  why: string;
}

/**
 * How far outside Keras `module.name` reaches. Keras 3 imports `module` and takes `name` from
 * it (`_retrieve_class_or_fn`); before 3.9 it did so for any module, and its safe mode did not
 * stop it (CVE-2025-1550).
 */
function gradeModule(module: string, name: string | undefined, isFunction: boolean): Grade | undefined {
  const dotted = name !== undefined ? `${module}.${name}` : module;
  if (isKerasModule(module)) {
    const gadget = kerasGadget(dotted);
    return gadget ? { severity: gadget.severity, why: `${dotted} ${gadget.why}` } : undefined;
  }
  const danger = dangerousModule(module, name);
  if (danger) return { severity: danger.severity, why: danger.why };
  const root = module.split('.')[0];
  // Keras looks `builtins` functions up among its own activations, losses and metrics.
  if (root === 'builtins' || root === '__builtin__')
    return isFunction ? undefined : { severity: 'medium', why: 'a Python builtin class, which no Keras model needs' };
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
 * Config objects whose `module`, `class_name` or `registered_name` point outside Keras's own
 * packages: the Keras safe_mode bypass (CVE-2025-1550) resolves any importable function, such
 * as `builtins.eval` or `os.system`, and calls it while loading. Objects inside Keras are
 * checked against the functions Keras itself refuses (`NON_MODELING_APIS`).
 */
export const foreignModule: Rule<KerasModel> = {
  meta: {
    id: 'keras/foreign-module',
    defaultSeverity: 'medium',
    title: 'Keras config references code outside Keras',
    description:
      "A serialized object in the model's config names a module outside Keras's own packages (or a Keras function that does file, network or model I/O). Loading imports that module and calls what it names; Keras before 3.9 did so even in safe mode (CVE-2025-1550). os, subprocess, builtins.eval and similar are critical; unknown packages (custom layers) are medium, since their code is not in the file.",
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
