import { templateInjection } from '../../../src/detectors/jinja/template-injection.js';
import { chatTemplate } from '../../../src/formats/jinja/template.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { BENIGN_TEMPLATES } from './templates.js';

const build = (source: string) => chatTemplate('tokenizer.chat_template', source, 0);
const CHATML = "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] }}{% endfor %}";

// Payload shapes of CVE-2024-34359 (llama-cpp-python rendered GGUF chat templates with a plain
// jinja2.Environment) and the classic Jinja SSTI escapes.
ruleTester(templateInjection, build, {
  valid: [
    ...BENIGN_TEMPLATES,
    { name: 'data keys that look like words of the deny-list', input: "{{ message['system'] }}{{ tool.os }}{{ m.open }}" },
    { name: 'a subscript with a runtime key', input: '{% for k in keys %}{{ tool[k] }}{{ messages[loop.index0 + 1] }}{% endfor %}' },
  ],
  invalid: [
    {
      name: 'CVE-2024-34359 PoC: self._TemplateReference__context.cycler.__init__.__globals__.os.popen',
      input: "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('touch /tmp/x').read() }}" + CHATML,
      errors: [{ severity: 'critical', message: 'Python internals and a way to run code', evidence: '.os.popen' }],
    },
    {
      name: 'lipsum.__globals__ subscript',
      input: "{{ lipsum.__globals__['os'].popen('id').read() }}",
      errors: [{ severity: 'critical', evidence: "lipsum.__globals__['os'].popen" }],
    },
    {
      name: 'cycler.__init__.__globals__.os',
      input: '{{ cycler.__init__.__globals__.os.system("id") }}',
      errors: [{ severity: 'critical' }],
    },
    {
      name: 'joiner and namespace routes',
      input: "{{ joiner.__init__.__globals__.__builtins__.__import__('os').popen('id') }}{{ namespace.__init__.__globals__ }}",
      errors: [{ severity: 'critical', message: '__builtins__' }],
    },
    {
      name: 'the subclass walk',
      input: "{{ ''.__class__.__mro__[1].__subclasses__() }}",
      errors: [{ severity: 'high', message: '__subclasses__', evidence: "''.__class__" }],
    },
    {
      name: 'config / request (Flask-style SSTI)',
      input: "{{ config.__class__.__init__.__globals__['os'].popen('id') }}{{ request.application.__globals__ }}",
      errors: [{ severity: 'critical' }],
    },
    {
      name: 'attribute name folded from pieces through |attr',
      input: "{{ ''|attr('__cla' ~ 'ss__') }}",
      errors: [{ severity: 'high', evidence: "|attr('__cla' ~ 'ss__')" }],
    },
    {
      name: 'hex escapes, %c formatting, reversal, repetition and join',
      input:
        "{{ x|attr('\\x5f\\x5fclass\\x5f\\x5f') }}{{ x|attr('%c%cbase%c%c'|format(95,95,95,95)) }}{{ x|attr('__ssalg__'[::-1]) }}{{ x|attr('_'*2 ~ 'dict' ~ '_'*2) }}{{ x|attr(['__in', 'it__']|join) }}",
      errors: [{ severity: 'high', message: '__base__' }],
    },
    {
      name: 'a name kept in a {% set %} constant',
      input: "{% set g = '__glo' + 'bals__' %}{{ lipsum|attr(g) }}",
      errors: [{ severity: 'high', message: '__globals__' }],
    },
    {
      name: 'dict keyword names as strings',
      input: '{{ x|attr(dict(__class__=1)|first) }}',
      errors: [{ severity: 'high', message: '__class__' }],
    },
    {
      name: 'str.format walking attributes',
      input: "{{ '{0.__class__.__init__.__globals__}'.format(cycler) }}",
      errors: [{ severity: 'high', message: 'str.format' }],
    },
    {
      name: 'a filter attribute path',
      input: "{{ [cycler]|map(attribute='__init__.__globals__')|list }}",
      errors: [{ severity: 'high', message: 'filter attribute path' }],
    },
    {
      name: 'an attribute name computed at render time',
      input: '{% for p in parts %}{{ x|attr(p) }}{% endfor %}',
      errors: [{ severity: 'medium', message: 'computes an attribute name', evidence: 'x|attr(p)' }],
    },
    {
      name: 'a subscript key built from strings at render time',
      input: "{{ x[a ~ 'ss__'] }}",
      errors: [{ severity: 'medium', message: 'computes an attribute name' }],
    },
    {
      name: 'attribute of an engine global without internals',
      input: '{{ lipsum.something }}',
      errors: [{ severity: 'medium', message: 'engine global lipsum' }],
    },
    {
      name: 'builtins used as free names',
      input: "{{ __import__('os') }}{{ eval('1') }}",
      errors: [{ severity: 'medium', message: '__import__' }],
    },
    {
      name: 'an executor reached on ordinary data',
      input: "{{ message.popen('id') }}",
      errors: [{ severity: 'medium', message: 'popen' }],
    },
    {
      name: 'a Python-internal name built but not used directly',
      input: "{% set n = namespace(k='__glob' ~ 'als__') %}{{ n.k }}",
      errors: [{ severity: 'medium', message: 'builds the Python-internal name __globals__' }],
    },
    {
      name: 'a template the parser rejects still shows its tokens',
      input: "{% import 'os' as o %}{{ cycler.__init__.__globals__.os }}",
      errors: [{ severity: 'critical', message: 'names Python internal __globals__' }],
    },
  ],
});
