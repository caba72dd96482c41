import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '../../../src/formats/jinja/analyze.js';

const names = (t: string) => analyzeTemplate(t).reaches.map((r) => `${r.via}:${r.name}`);

describe('analyzeTemplate', () => {
  it('reads attribute and constant-key reads, with the chain as evidence', () => {
    const a = analyzeTemplate("{{ lipsum.__globals__['os'].popen('id') }}");
    expect(a.error).toBeUndefined();
    expect(a.reaches.map((r) => r.name).sort()).toEqual(['__globals__', 'os', 'popen']);
    const globals = a.reaches.find((r) => r.name === '__globals__');
    expect(globals).toMatchObject({ via: 'dot', root: 'lipsum', onFreeRoot: true, chain: 'lipsum.__globals__' });
    expect(a.reaches.find((r) => r.name === 'os')).toMatchObject({ via: 'subscript', onFreeRoot: false });
    expect(a.freeNames.map((f) => f.name)).toEqual(['lipsum']);
  });

  it('folds the string building obfuscation uses', () => {
    expect(names("{{ x|attr('__cla' ~ 'ss__') }}")).toEqual(['attr-filter:__class__']);
    expect(names("{{ x|attr('%c%c' % (95, 95) ~ 'mro' ~ '_' * 2) }}")).toEqual(['attr-filter:__mro__']);
    expect(names("{{ x['__ssalc__'[::-1]] }}")).toEqual(['subscript:__class__']);
    expect(names("{{ x[['a', '__base__'][1]] }}")).toEqual(['subscript:__base__']);
    expect(names("{{ x|attr('{}{}'.format('__di', 'ct__')) }}")).toContain('attr-filter:__dict__');
    expect(names("{{ x|attr('__INIT__'|lower) }}")).toEqual(['attr-filter:__init__']);
    expect(names("{{ x|attr('__iXit__'|replace('X', 'n')) }}")).toEqual(['attr-filter:__init__']);
    expect(names("{{ x|attr(''.join(['__', 'code', '__'])) }}")).toContain('attr-filter:__code__');
  });

  it('leaves a slice with a fractional bound unfolded, as Jinja refuses it', () => {
    const a = analyzeTemplate("{{ x|attr('__class__'[0.5:]) }}");
    expect(a.reaches).toEqual([]);
    expect(a.dynamicNames).toEqual(["x|attr('__class__'[0.5:])"]);
  });

  it('follows {% set %} constants, but not names assigned more than one value', () => {
    expect(names("{% set a = '__' %}{% set b = a ~ 'class' ~ a %}{{ x|attr(b) }}")).toEqual(['attr-filter:__class__']);
    const twice = analyzeTemplate("{% set a = '__class__' %}{% set a = 'y' %}{{ x|attr(a) }}");
    expect(twice.reaches).toEqual([]);
    expect(twice.dynamicNames).toEqual(['x|attr(a)']);
  });

  it('treats names bound by loops, macros and sets as bound, not free', () => {
    const a = analyzeTemplate(
      '{% macro f(cycler, k=1) %}{{ cycler.x }}{% endmacro %}{% for lipsum in xs %}{{ lipsum.y }}{% endfor %}{% set self = 1 %}{{ self.z }}',
    );
    expect(a.freeNames.map((f) => f.name)).toEqual(['xs']);
    expect(a.reaches.every((r) => !r.onFreeRoot)).toBe(true);
  });

  it('reads attribute paths of filters and str.format fields', () => {
    expect(names("{{ xs|map(attribute='a.__b__') }}{{ xs|selectattr('c') }}").sort()).toEqual([
      'attribute-argument:__b__',
      'attribute-argument:a',
      'attribute-argument:c',
    ]);
    expect(names("{{ '{0.__class__[__name__]}'.format(x) }}").filter((n) => n.startsWith('format'))).toEqual([
      'format-field:__class__',
      'format-field:__name__',
    ]);
  });

  it('keeps folded string constants', () => {
    expect(analyzeTemplate("{{ 'a' ~ 'b' }}").strings.sort()).toEqual(['a', 'ab', 'b']);
  });

  it('does not fold absurd repetitions', () => {
    const a = analyzeTemplate("{{ x|attr('_' * 1000000000) }}");
    expect(a.dynamicNames).toHaveLength(1);
  });

  it('reports a parse failure with what the tokens show', () => {
    const a = analyzeTemplate("{% extends 'base' %}{{ x.__class__ }}");
    expect(a.error?.code).toBe('MALFORMED');
    expect(a.reaches.map((r) => r.name)).toContain('__class__');
    expect(a.reaches[0]!.via).toBe('token');
  });
});
