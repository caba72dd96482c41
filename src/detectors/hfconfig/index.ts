import type { HfConfigScan } from '../../formats/hfconfig/model.js';
import type { Rule } from '../types.js';
import { libraryCode, type LibraryCodeScan } from './library-code.js';
import { remoteCode } from './remote-code.js';

/** Every Hugging Face config rule, sorted by id. Chat templates in configs go through JINJA_RULES. */
export const HFCONFIG_RULES: ReadonlyArray<Rule<HfConfigScan>> = [remoteCode];

/** Rules over the code other libraries' JSON configs select (sentence-transformers, diffusers, PEFT). */
export const LIBRARY_CODE_RULES: ReadonlyArray<Rule<LibraryCodeScan>> = [libraryCode];
