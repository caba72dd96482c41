import type { Rule } from '../types.js';
import { reportReferences, type YamlConfigScan } from './lib/report.js';

/** MLflow MLmodel: `flavors.python_function.loader_module` is imported and its `_load_pyfunc` called by mlflow.pyfunc.load_model. */
export const mlflowLoaderModule: Rule<YamlConfigScan> = {
  meta: {
    id: 'yaml/mlflow-loader-module',
    defaultSeverity: 'medium',
    title: 'MLflow MLmodel names a loader module outside MLflow',
    description:
      "mlflow.pyfunc.load_model imports flavors.python_function.loader_module from an MLmodel file (with the model's code paths on sys.path) and calls its _load_pyfunc. MLflow's own flavours (mlflow.*) are info; a module outside them is medium, as its code is custom; a module the pickle deny-list names is high or critical. The cloudpickle python_model.pkl of a custom pyfunc is scanned as the pickle it is.",
    docs: 'docs/rules/yaml-mlflow-loader-module.md',
    references: ['MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-94'],
  },
  check(config, ctx) {
    reportReferences(config, 'mlflow', () => 'mlflow.pyfunc.load_model imports it and calls its _load_pyfunc', ctx);
  },
};
