import { extensionCode } from '../../../src/detectors/pickle/extension-code.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { PICKLE } from './adapter.js';
import { BENIGN } from './pickles.js';

ruleTester(extensionCode, PICKLE, {
  valid: BENIGN,
  invalid: [
    {
      name: 'EXT1 called',
      input: pickle().proto(2).ext1(1).binunicode('echo x').tuple1().reduce().stop(),
      errors: [{ severity: 'medium', evidence: 'copyreg._extension_registry[1]' }],
    },
    {
      name: 'EXT2 and EXT4',
      input: pickle().proto(2).ext2(0x1234).ext4(0x7fffffff).tuple2().stop(),
      errors: [
        { severity: 'medium', evidence: 'copyreg._extension_registry[4660]' },
        { severity: 'medium', evidence: 'copyreg._extension_registry[2147483647]' },
      ],
    },
  ],
});
