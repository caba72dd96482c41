import type { PickleStream } from '../../formats/pickle/model.js';
import type { Rule } from '../types.js';
import { dangerousCallable } from './dangerous-callable.js';
import { dynamicCall } from './dynamic-call.js';
import { dynamicImport } from './dynamic-import.js';
import { extensionCode } from './extension-code.js';
import { malformedStream } from './malformed-stream.js';
import { nonbuiltinMutation } from './nonbuiltin-mutation.js';
import { oversizedOperand } from './oversized-operand.js';
import { reconstructorAbuse } from './reconstructor-abuse.js';
import { setstateInjection } from './setstate-injection.js';
import { unknownGlobal } from './unknown-global.js';
import { unsafeConstruction } from './unsafe-construction.js';

/** Every pickle rule, sorted by id. */
export const PICKLE_RULES: ReadonlyArray<Rule<PickleStream>> = [
  dangerousCallable,
  dynamicCall,
  dynamicImport,
  extensionCode,
  malformedStream,
  nonbuiltinMutation,
  oversizedOperand,
  reconstructorAbuse,
  setstateInjection,
  unknownGlobal,
  unsafeConstruction,
];
