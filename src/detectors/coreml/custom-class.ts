import type { CoreMlModel } from '../../formats/coreml/model.js';
import type { Rule } from '../types.js';

/** Findings listed; past this one line counts the rest. */
const MAX_FINDINGS = 20;

/** Custom layers and custom models: classes the app must provide, named by the model. */
export const customClass: Rule<CoreMlModel> = {
  meta: {
    id: 'coreml/custom-class',
    defaultSeverity: 'medium',
    title: 'Core ML model needs classes the app provides',
    description:
      "A custom layer (`NeuralNetworkLayer.custom`) names a class conforming to MLCustomLayer, and a custom model (`Model.customModel`) one conforming to MLCustomModel: Core ML instantiates that class from the app by name and hands it the model's parameters and weights. Running the model needs native code from outside it.",
    docs: 'docs/rules/coreml-custom-class.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-829'],
  },
  check(model, ctx) {
    for (const c of model.custom.slice(0, MAX_FINDINGS)) {
      const what = c.kind === 'layer' ? 'custom layer (MLCustomLayer)' : 'custom model (MLCustomModel)';
      ctx.report({
        message: `${c.where}: ${what} class ${JSON.stringify(c.className)}: the app must provide it`,
        location: { offset: c.offset },
        evidence: c.className,
      });
    }
    if (model.custom.length > MAX_FINDINGS)
      ctx.report({ message: `${model.custom.length - MAX_FINDINGS} more custom classes not listed`, location: { offset: model.custom[MAX_FINDINGS]!.offset } });
  },
};
