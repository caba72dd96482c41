import { pythonTag } from '../../../src/detectors/yaml/python-tag.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { buildYaml, type YamlInput } from './build.js';

ruleTester<YamlInput, ReturnType<typeof buildYaml>>(pythonTag, buildYaml, {
  valid: [
    { name: 'plain data', input: { text: 'a: 1\nb: [x, y]\n' } },
    { name: 'python/tuple and python/str are plain data', input: { text: 'a: !!python/tuple [1, 2]\nb: !!python/str x\n' } },
    { name: '!!binary alone selects no code', input: { text: 'a: !!binary aGVsbG8=\n' } },
  ],
  invalid: [
    {
      name: 'python/object/apply:os.system',
      input: { text: 'a: !!python/object/apply:os.system ["id"]\n' },
      errors: [{ severity: 'critical', message: '!!python/object/apply:os.system at $.a', evidence: 'os.system' }],
    },
    {
      name: 'python/object/new:subprocess.Popen',
      input: { text: 'a: !!python/object/new:subprocess.Popen [[id]]\n' },
      errors: [{ severity: 'critical', message: 'calls its __new__' }],
    },
    {
      name: 'verbatim tag',
      input: { text: 'a: !<tag:yaml.org,2002:python/object/apply:builtins.exec> ["print(1)"]\n' },
      errors: [{ severity: 'critical', evidence: 'builtins.exec' }],
    },
    {
      name: 'python/name of a dangerous function is high (resolved, not called)',
      input: { text: 'a: !!python/name:os.system\n' },
      errors: [{ severity: 'high', message: 'resolves it' }],
    },
    {
      name: 'python/module of an unknown module is medium',
      input: { text: 'a: !!python/module:mypkg.tools\n' },
      errors: [{ severity: 'medium', message: 'imports it' }],
    },
    {
      name: 'python/object of a library class is info',
      input: { text: 'a: !!python/object:torch.nn.Linear {}\n' },
      errors: [{ severity: 'info' }],
    },
    {
      name: 'a tag in a key, and in the second document',
      input: { text: '? !!python/object/apply:os.system [id]\n: 1\n---\nb: !!python/object/apply:os.system [id]\n' },
      errors: [
        { severity: 'critical', message: '$0[key]' },
        { severity: 'critical', message: '$1.b' },
      ],
    },
  ],
});
