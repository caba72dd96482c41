import type { KerasModel } from '../../formats/keras/model.js';
import type { Rule } from '../types.js';
import { externalModel } from './external-model.js';
import { foreignModule } from './foreign-module.js';
import { lambdaLayer } from './lambda-layer.js';

/** Every Keras rule, sorted by id. */
export const KERAS_RULES: ReadonlyArray<Rule<KerasModel>> = [externalModel, foreignModule, lambdaLayer];
