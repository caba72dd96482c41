import { mlflowLoaderModule } from '../../../src/detectors/yaml/mlflow-loader-module.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { buildYaml, type YamlInput } from './build.js';

const mlmodel = (loader: string): YamlInput => ({ text: `flavors:\n  python_function:\n    loader_module: ${loader}\n    python_version: 3.11.4\n` });

ruleTester<YamlInput, ReturnType<typeof buildYaml>>(mlflowLoaderModule, buildYaml, {
  valid: [
    { name: 'loader_module elsewhere than flavors.python_function', input: { text: 'loader_module: x.y\n' } },
    { name: 'no flavors', input: { text: 'artifact_path: model\n' } },
  ],
  invalid: [
    { name: 'an MLflow flavour is info', input: mlmodel('mlflow.sklearn'), errors: [{ severity: 'info' }] },
    { name: 'a custom loader module is medium', input: mlmodel('my_loader'), errors: [{ severity: 'medium', message: '_load_pyfunc' }] },
    { name: 'a dangerous module is critical', input: mlmodel('os.system'), errors: [{ severity: 'critical' }] },
    {
      name: 'a code folder is low, after the loader module',
      input: { text: 'flavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n    code: code\n' },
      errors: [{ severity: 'info' }, { severity: 'low', message: "puts the model's folder code first on sys.path", evidence: 'code' }],
    },
  ],
});
