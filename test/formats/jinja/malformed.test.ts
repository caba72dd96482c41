import { describe, expect, it } from 'vitest';
import { analyzeTemplate, MAX_TEMPLATE_CHARS } from '../../../src/formats/jinja/analyze.js';

// Malformed input: none of these may throw, hang or come back without an error.
describe('malformed templates', () => {
  it.each([
    ['unterminated string', "{{ 'abc }}"],
    ['unterminated tag', '{% if x'],
    ['stray end tag', '{% endfor %}'],
    ['bad escape', "{{ '\\z' }}"],
    ['unbalanced brackets', '{{ x[[[ }}'],
    ['binary garbage', '{{ \u0000\u0001\uffff }}'],
    ['unknown statement', '{% raw %}{{ x }}{% endraw %}'],
  ])('%s', (_name, template) => {
    const a = analyzeTemplate(template);
    expect(a.error?.code).toBe('MALFORMED');
  });

  it('deep nesting is a depth limit, not a crash', () => {
    const a = analyzeTemplate('{{ ' + '['.repeat(300_000) + ']'.repeat(300_000) + ' }}');
    expect(a.error?.code).toBe('LIMIT_DEPTH');
  });

  it('brackets nested past the bound are a depth limit whatever the stack (600 levels overflowed the main thread but not a worker)', () => {
    const a = analyzeTemplate(`{{ ${'('.repeat(600)}1${')'.repeat(600)} }}`);
    expect(a.error?.code).toBe('LIMIT_DEPTH');
    expect(a.error?.message).toMatch(/600 deep/);
    expect(analyzeTemplate(`{{ ${'('.repeat(50)}1${')'.repeat(50)} }}`).error).toBeUndefined();
  });
  it('deeply nested blocks parse or fail cleanly', () => {
    const a = analyzeTemplate('{% if x %}'.repeat(20_000) + '{% endif %}'.repeat(20_000));
    expect(a.error === undefined || a.error.code === 'LIMIT_DEPTH').toBe(true);
  });

  it('a long flat template is analysed without trouble', () => {
    const a = analyzeTemplate("{{ m['content'] }}".repeat(20_000));
    expect(a.error).toBeUndefined();
    expect(a.reaches).toHaveLength(1);
  });

  it('a template past the named limit is not parsed', () => {
    const a = analyzeTemplate(' '.repeat(MAX_TEMPLATE_CHARS + 1));
    expect(a.error?.code).toBe('LIMIT_STRING');
  });

  it('a long left-leaning chain of concatenations stays bounded', () => {
    const a = analyzeTemplate("{{ x|attr('_'" + " ~ '_'".repeat(5_000) + ') }}');
    expect(a.error === undefined || a.error.code === 'LIMIT_DEPTH').toBe(true);
  });
});
