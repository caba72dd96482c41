import { BufferSource } from '../../../src/core/byte-source.js';
import { customClass } from '../../../src/detectors/coreml/custom-class.js';
import { modelInfo } from '../../../src/detectors/coreml/model-info.js';
import { coreMlCustomModel, coreMlLinked, coreMlNetwork } from '../../../src/formats/coreml/builder.js';
import type { CoreMlModel } from '../../../src/formats/coreml/model.js';
import { parseCoreMl } from '../../../src/formats/coreml/parse.js';
import { expectOffset, ruleTester, type RuleFormat } from '../../helpers/rule-tester.js';

const COREML: RuleFormat<Buffer, CoreMlModel> = {
  parse(bytes) {
    const { model, error } = parseCoreMl(new BufferSource(bytes));
    if (error) throw error;
    return model;
  },
  eachFinding: expectOffset,
};

ruleTester(customClass, COREML, {
  valid: [{ name: 'builtin layers', input: coreMlNetwork([{ name: 'a' }, { name: 'b' }]) }],
  invalid: [
    {
      name: 'a custom layer names its class',
      input: coreMlNetwork([{ name: 'a' }, { name: 'post', custom: 'AAPLPostProcess' }]),
      errors: [{ severity: 'medium', evidence: 'AAPLPostProcess', message: 'layer "post": custom layer (MLCustomLayer)' }],
    },
    {
      name: 'a custom model',
      input: coreMlCustomModel('MyRecommender'),
      errors: [{ severity: 'medium', evidence: 'MyRecommender', message: 'MLCustomModel' }],
    },
  ],
});

ruleTester(modelInfo, COREML, {
  valid: [],
  invalid: [
    {
      name: 'summarises a network',
      input: coreMlNetwork([{ name: 'a' }]),
      errors: [{ severity: 'info', message: 'specification version 4; types: neuralNetwork; 1 layer(s)' }],
    },
    {
      name: 'lists linked models',
      input: coreMlLinked('../x.mlmodelc', '/tmp'),
      errors: [{ severity: 'info', message: 'linked models: ../x.mlmodelc (search path "/tmp")' }],
    },
  ],
});
