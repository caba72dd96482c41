import { malformedTemplate } from '../../../src/detectors/jinja/malformed-template.js';
import { MAX_TEMPLATE_CHARS } from '../../../src/formats/jinja/analyze.js';
import { chatTemplate } from '../../../src/formats/jinja/template.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { BENIGN_TEMPLATES } from './templates.js';

ruleTester(malformedTemplate, (source: string) => chatTemplate('chat_template', source), {
  valid: [...BENIGN_TEMPLATES, { name: 'empty template', input: '' }, { name: 'plain text', input: 'no tags at all' }],
  invalid: [
    { name: 'unclosed block', input: '{% for m in messages %}{{ m }}', errors: [{ severity: 'low', fatal: true, code: 'MALFORMED' }] },
    { name: 'unclosed expression', input: '{{ messages[0', errors: [{ severity: 'low', fatal: true, code: 'MALFORMED' }] },
    { name: 'a bad escape does not tokenize', input: "{{ '\\q' }}", errors: [{ severity: 'low', fatal: true, code: 'MALFORMED', message: 'tokenize' }] },
    { name: 'import statement', input: "{% import 'os' as os %}", errors: [{ severity: 'low', fatal: true, code: 'MALFORMED', message: 'import' }] },
    { name: 'include statement', input: "{% include 'other.jinja' %}", errors: [{ severity: 'low', fatal: true, code: 'MALFORMED' }] },
    {
      name: 'nesting deeper than the parser can follow',
      input: '{{ ' + '('.repeat(200_000) + '1' + ')'.repeat(200_000) + ' }}',
      errors: [{ severity: 'low', fatal: true, code: 'LIMIT_DEPTH' }],
    },
    { name: 'longer than the named limit', input: 'x'.repeat(MAX_TEMPLATE_CHARS + 1), errors: [{ severity: 'low', fatal: true, code: 'LIMIT_STRING' }] },
  ],
});
