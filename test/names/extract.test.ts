import { describe, expect, it } from 'vitest';
import { extractRepoIds } from '../../scripts/known-names/extract.js';

describe('extracting repo ids from public sources (scripts/known-names)', () => {
  it('reads Markdown links and code spans, not Spaces, datasets or paths', () => {
    const text =
      '| `Qwen/Qwen3-8B`, etc. | [BAAI/bge-base-en-v1.5](https://hf.co/BAAI/bge-base-en-v1.5) | [x](https://huggingface.co/spaces/mteb/leaderboard) | `../features/lora.md` |';
    expect(extractRepoIds(text, 'markdown')).toEqual(['BAAI/bge-base-en-v1.5', 'Qwen/Qwen3-8B']);
  });
  it('reads Python string literals and skips dict keys and commented-out ones, keeping legacy ids', () => {
    const text = "    'bert': [\n        'bert-base-uncased',\n        # 'facebook/blenderbot-1B-distill',\n        'dslim/bert-base-NER',\n    ],";
    expect(extractRepoIds(text, 'python')).toEqual(['bert-base-uncased', 'dslim/bert-base-NER']);
  });
  it('reads only the Top Models section of a digest', () => {
    const text = '## Top Models\n- [a/b](https://huggingface.co/a/b)\n\n## Trending Datasets\n- [c/d](https://huggingface.co/c/d)\n';
    expect(extractRepoIds(text, 'top-models')).toEqual(['a/b']);
  });
});
