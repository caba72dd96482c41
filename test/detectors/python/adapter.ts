import { expect } from 'vitest';
import type { PythonModule } from '../../../src/formats/python/model.js';
import { initPython } from '../../../src/formats/python/runtime.js';
import { expectOffset, type RuleFormat } from '../../helpers/rule-tester.js';
import { model } from '../../formats/python/helpers.js';

/**
 * The rule tester's adapter for Python source: parsed once the WebAssembly parser is loaded;
 * every finding has a byte offset and says its line and column; `at` is found in the UTF-8 bytes.
 */
export const PYTHON: RuleFormat<string, PythonModule> = {
  parse: model,
  setup: initPython,
  eachFinding(finding) {
    expectOffset(finding);
    expect(finding.message).toMatch(/line \d+, column \d+/);
  },
  bytes: (code) => Buffer.from(code, 'utf8'),
};
