import type { RuleMeta } from '../rule.js';

/**
 * Rules of backdoor screening (`modelgate screen`, `modelgate strip`). They are not file rules:
 * they come from running the model on clean samples, so the commands make their findings with
 * `ruleFinding` (../finding.ts), as a scan's ScanContext.report does.
 */
const meta = (id: string, defaultSeverity: RuleMeta['defaultSeverity'], title: string, description: string): RuleMeta => ({
  id,
  defaultSeverity,
  title,
  description,
  docs: `docs/rules/${id.replace('/', '-')}.md`,
  references: ['MITRE ATLAS AML.T0018', 'OWASP LLM03:2025', 'CWE-506', 'Wang et al., Neural Cleanse, IEEE S&P 2019'],
});

export const NEURAL_CLEANSE = meta(
  'backdoor/neural-cleanse',
  'high',
  'A label is reachable by an abnormally small trigger (Neural Cleanse)',
  'For every label of an image classifier, modelgate reverse-engineers the smallest trigger (mask and pattern) that turns clean samples of the other labels into it. A label whose mask is a small-side outlier (MAD anomaly index above 2) is a suspected backdoor target: a BadNets-style backdoor makes its target reachable with a tiny patch. A model with no outlier gets an info finding with every norm; that is evidence, not proof, of a clean model.',
);

export const STRIP = {
  ...meta(
    'backdoor/strip',
    'high',
    'Inputs whose predictions stay certain under blending (STRIP)',
    'Each input is superimposed on random clean images; a trojaned input keeps its (target) prediction whatever it is blended with, so the entropy of the predictions is abnormally low. Inputs below the entropy threshold set at the chosen false-rejection rate on clean images are reported.',
  ),
  references: ['MITRE ATLAS AML.T0018', 'OWASP LLM03:2025', 'CWE-506', 'Gao et al., STRIP, ACSAC 2019'],
};

export const BACKDOOR_RULES: readonly RuleMeta[] = [NEURAL_CLEANSE, STRIP];
