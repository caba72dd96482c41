import { externalModel } from '../../../src/detectors/keras/external-model.js';
import { k2Layer, k2Sequential, k3, k3Layer, k3Sequential } from '../../../src/formats/keras/builder.js';
import { BENIGN, parseConfig } from './configs.js';
import { ruleTester } from '../../helpers/rule-tester.js';

const tfsm = (filepath?: string) =>
  k3Sequential([k3Layer('TFSMLayer', 'tfsm', filepath === undefined ? { call_endpoint: 'serve' } : { filepath, call_endpoint: 'serve' })]);
const hub = (handle: string) => k3Sequential([k3('KerasLayer', { name: 'hub', trainable: false, handle }, 'tensorflow_hub.keras_layer')]);

ruleTester(externalModel, parseConfig, {
  valid: [
    ...BENIGN,
    { name: 'a layer whose class merely contains the name', input: k3Sequential([k3Layer('TFSMLayerish', 'x', { filepath: '/abs' })]) },
    { name: 'a custom KerasLayer class with no handle', input: k3Sequential([k3('KerasLayer', { name: 'k', trainable: true }, 'my_pkg')]) },
  ],
  invalid: [
    { name: 'TFSMLayer with a relative folder', input: tfsm('exported_model'), errors: [{ severity: 'medium', evidence: 'TFSMLayer("exported_model")' }] },
    { name: 'TFSMLayer with an absolute path', input: tfsm('/srv/models/evil'), errors: [{ severity: 'high', message: 'absolute path' }] },
    { name: 'TFSMLayer with a Windows path', input: tfsm('C:\\models\\evil'), errors: [{ severity: 'high' }] },
    { name: 'TFSMLayer with a cloud URL', input: tfsm('gs://bucket/model'), errors: [{ severity: 'high', message: 'a URL' }] },
    { name: 'TFSMLayer climbing out of the folder', input: tfsm('../../other/model'), errors: [{ severity: 'high', message: 'climbs out' }] },
    { name: 'TFSMLayer without a path', input: tfsm(), errors: [{ severity: 'medium', message: 'does not give' }] },
    { name: 'hub KerasLayer with a URL handle', input: hub('https://tfhub.dev/google/x/1'), errors: [{ severity: 'high' }] },
    { name: 'hub KerasLayer with a relative handle', input: hub('hub_module'), errors: [{ severity: 'medium' }] },
    {
      name: 'Keras 2 hub KerasLayer (no module)',
      input: k2Sequential([k2Layer('KerasLayer', 'hub', { handle: 'https://example.com/m' })]),
      errors: [{ severity: 'high', message: 'layer "hub"' }],
    },
  ],
});
