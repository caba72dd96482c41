import type { Rule } from '../types.js';
import { reportReferences, type YamlConfigScan } from './lib/report.js';

/** MLflow MLmodel: `flavors.python_function.loader_module` is imported and its `_load_pyfunc` called by mlflow.pyfunc.load_model. */
export const mlflowLoaderModule: Rule<YamlConfigScan> = {
  meta: {
    id: 'yaml/mlflow-loader-module',
    defaultSeverity: 'medium',
    title: 'MLflow MLmodel names a loader module outside MLflow',
    description:
      "mlflow.pyfunc.load_model imports flavors.python_function.loader_module from an MLmodel file (with the model's code paths on sys.path) and calls its _load_pyfunc. MLflow's own flavours (mlflow.*) are info; a module outside them is medium, as its code is custom; a module the pickle deny-list names is high or critical. A code folder (flavors.python_function.code), which load_model puts first on sys.path, is low: its files are scanned on their own. The cloudpickle python_model.pkl of a custom pyfunc is scanned as the pickle it is.",
    docs: 'docs/rules/yaml-mlflow-loader-module.md',
    references: ['MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-94'],
  },
  check(config, ctx) {
    reportReferences(config, 'mlflow', () => 'mlflow.pyfunc.load_model imports it and calls its _load_pyfunc', ctx);
    for (const code of config.codePaths ?? []) {
      ctx.report({
        severity: 'low',
        message: `${code.where} puts the model's folder ${code.path} first on sys.path (and drops cached modules of the same names) before the loader module is imported: its .py files run when imported and shadow installed packages; they are scanned as files of their own`,
        location: code.offset === undefined ? undefined : { offset: code.offset },
        evidence: code.path,
      });
    }
  },
};
