import { hyperpyyamlTag } from '../../../src/detectors/yaml/hyperpyyaml-tag.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { buildYaml, type YamlInput } from './build.js';

ruleTester<YamlInput, ReturnType<typeof buildYaml>>(hyperpyyamlTag, buildYaml, {
  valid: [
    { name: 'plain hyperparameters', input: { text: 'lr: 0.001\nn_mels: 80\nout: !ref <lr>\n' } },
    { name: 'PyYAML tags are another rule', input: { text: 'x: !!python/object/apply:os.system [id]\n' } },
  ],
  invalid: [
    {
      name: 'library classes are summed up in one info finding',
      input: { text: 'fbank: !new:speechbrain.lobes.features.Fbank\n  n_mels: 80\nopt: !name:torch.optim.Adam\nseed: !apply:torch.manual_seed [1986]\n' },
      errors: [
        { severity: 'info', message: '3 references to well-known library classes (speechbrain.lobes.features.Fbank, torch.optim.Adam, torch.manual_seed)' },
      ],
    },
    {
      name: '!apply of os.system is critical: load_hyperpyyaml calls it while reading',
      input: { text: 'x: !apply:os.system\n  - id\n' },
      errors: [{ severity: 'critical', message: '!apply:os.system at $.x: load_hyperpyyaml calls it', evidence: 'os.system' }],
    },
    {
      name: '!name of a dangerous callable is high even if only wrapped',
      input: { text: 'x: !name:builtins.eval\n' },
      errors: [{ severity: 'high', evidence: 'builtins.eval' }],
    },
    {
      name: '!module of subprocess is high',
      input: { text: 'm: !module:subprocess\n' },
      errors: [{ severity: 'high', message: 'load_hyperpyyaml imports it' }],
    },
    {
      name: 'a class outside the allow-list is medium',
      input: { text: 'enc: !new:somepkg.Encoder\n' },
      errors: [{ severity: 'medium', message: 'outside the allow-list' }],
    },
    {
      name: 'a module beside the config is graded by its code: clean code is low',
      input: { text: 'enc: !new:custom.Encoder\n', code: { 'custom.py': { status: 'scanned' } } },
      errors: [{ severity: 'low', message: 'custom.py beside the config' }],
    },
    {
      name: 'a module beside the config that starts a process on import is high',
      input: {
        text: 'enc: !new:custom.Encoder\n',
        code: { 'custom.py': { status: 'scanned', commands: [{ text: 'id', via: 'os.system', where: 'line 2, column 1', onImport: true }] } },
      },
      errors: [{ severity: 'high', message: "os.system('id')" }],
    },
    {
      name: '!ref to a dunder attribute is a getattr walk into internals (high)',
      input: { text: 'f: !name:speechbrain.utils.A\ng: !ref <f>.__globals__\nok: !ref <f>.keywords\n' },
      errors: [{ severity: 'high', message: '!ref:builtins.getattr at $.g (.__globals__)' }, { severity: 'info' }],
    },
    {
      name: 'tags inside a (…) tuple string',
      input: { text: 'shape: (!apply:os.system [id], 2)\n' },
      errors: [{ severity: 'critical', message: '$.shape (tuple)[0]' }],
    },
  ],
});
