import { modelInfo } from '../../../src/detectors/savedmodel/model-info.js';
import { fingerprint, kerasMetadata, savedModel } from '../../../src/formats/savedmodel/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { SAVEDMODEL } from './adapter.js';

ruleTester(modelInfo, SAVEDMODEL, {
  // Every SavedModel gets its summary.
  valid: [],
  invalid: [
    {
      name: 'meta graphs, versions, signatures and assets',
      input: savedModel({ metaGraphs: [{ tags: ['serve'], tensorflowVersion: '2.15.0', signatures: ['serving_default'], assets: ['vocab.txt'] }] }),
      errors: [
        {
          severity: 'info',
          evidence: '2.15.0',
          message: 'schema version 1; meta graph 0: tags [serve], TensorFlow 2.15.0, signatures serving_default, assets vocab.txt; 1 nodes; 0 functions',
        },
      ],
    },
    {
      name: 'Keras metadata and fingerprint',
      input: {
        model: savedModel(),
        keras: kerasMetadata([
          { path: 'root', identifier: '_tf_keras_model', metadata: '{}' },
          { path: 'root.layer-0', identifier: '_tf_keras_layer', metadata: '{}' },
        ]),
        fingerprint: fingerprint([1n, 2n, 3n, 4n, 5n]),
      },
      errors: [{ severity: 'info', message: 'keras_metadata.pb: 2 objects (_tf_keras_model, _tf_keras_layer); fingerprint.pb: checksum 0000000000000001' }],
    },
  ],
});
