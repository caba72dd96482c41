import type { SafetensorsFile } from '../../formats/safetensors/model.js';
import type { Rule } from '../types.js';
import { duplicateKey } from './duplicate-key.js';
import { invalidHeader } from './invalid-header.js';
import { summary } from './summary.js';
import { tensorOffsets } from './tensor-offsets.js';
import { trailingData } from './trailing-data.js';

/** Every safetensors rule, sorted by id. */
export const SAFETENSORS_RULES: ReadonlyArray<Rule<SafetensorsFile>> = [duplicateKey, invalidHeader, summary, tensorOffsets, trailingData];
