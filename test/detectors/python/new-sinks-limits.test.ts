import { beforeAll, describe, expect, it } from 'vitest';
import { PYTHON_RULES } from '../../../src/detectors/python/index.js';
import { initPython } from '../../../src/formats/python/runtime.js';
import { runRule } from '../../helpers/rule-tester.js';
import { model } from '../../formats/python/helpers.js';

beforeAll(initPython);

/** Crafted shapes that would make path reading or attribute resolution fan out; each run is bounded. */
describe('python rules on crafted fan-out', () => {
  it('a path built from names that double at each step, used by many writes', () => {
    const chain = Array.from({ length: 30 }, (_, i) => `p${i + 1} = p${i} + p${i}\n`).join('');
    const writes = Array.from({ length: 40 }, () => "open(p30, 'w')\n").join('');
    const m = model(`p0 = 'a'\n${chain}${writes}`);
    for (const rule of PYTHON_RULES) expect(() => runRule(rule, m)).not.toThrow();
  });

  it('one attribute assigned a thousand times and read a thousand of times', () => {
    const sets = Array.from({ length: 1000 }, (_, i) => `        self.x = f${i}\n`).join('');
    const uses = Array.from({ length: 1000 }, () => 'o.x(1)\n').join('');
    const m = model(`class A:\n    def __init__(self):\n${sets}o = A()\n${uses}`);
    for (const rule of PYTHON_RULES) expect(runRule(rule, m)).toEqual([]);
  });

  it('a function with a thousand returns unpacked a thousand times', () => {
    const returns = Array.from({ length: 1000 }, (_, i) => `    if c == ${i}:\n        return (f${i}, 1)\n`).join('');
    const uses = Array.from({ length: 1000 }, () => 'a, b = pair(1)\na(b)\n').join('');
    const m = model(`def pair(c):\n${returns}${uses}`);
    for (const rule of PYTHON_RULES) expect(runRule(rule, m)).toEqual([]);
  });
});
