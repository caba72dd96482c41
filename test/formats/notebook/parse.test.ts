import { describe, expect, it } from 'vitest';
import { codeCell, dataOutput, markdownCell, notebook } from '../../../src/formats/notebook/builder.js';
import { isNotebook, MAX_CELLS, readNotebook } from '../../../src/formats/notebook/parse.js';

describe('isNotebook', () => {
  it.each([
    [notebook([]), true],
    [{ nbformat: 3, worksheets: [{ cells: [] }] }, true],
    [{ cells: [] }, false],
    [{ nbformat: '4', cells: [] }, false],
    [{ nbformat: 4, cells: {} }, false],
    [[], false],
    [null, false],
    ['{"cells": []}', false],
  ])('%j → %s', (doc, expected) => {
    expect(isNotebook(doc)).toBe(expected);
  });
});

describe('readNotebook', () => {
  it('reads code cells as strings or lists of strings, skipping other cells', () => {
    const doc = notebook([markdownCell('# x'), codeCell(['a = 1\n', 'b = 2']), codeCell('c = 3'), { cell_type: 'raw', source: 'exec(x)' }]);
    expect(readNotebook(doc)).toEqual({
      cells: [
        { index: 1, source: 'a = 1\nb = 2' },
        { index: 2, source: 'c = 3' },
      ],
      outputs: [],
      problems: [],
    });
  });

  it('reads nbformat 3 worksheets and their `input`', () => {
    const doc = { nbformat: 3, worksheets: [{ cells: [{ cell_type: 'code', input: ['x = 1\n'], outputs: [{ output_type: 'pyout', png: 'iVBORw0K' }] }] }] };
    const content = readNotebook(doc);
    expect(content.cells).toEqual([{ index: 0, source: 'x = 1\n' }]);
    expect(content.outputs.map((o) => o.path)).toEqual(['cells/0/outputs/0/output_type', 'cells/0/outputs/0/png']);
  });

  it('decodes binary outputs and attachments, not text ones', () => {
    const cell = codeCell('x', [dataOutput('application/octet-stream', Buffer.from('hello')), dataOutput('text/html', Buffer.from('<b>'))]);
    const doc = notebook([cell, { ...(markdownCell('![a](attachment:a.png)') as object), attachments: { 'a.png': { 'image/png': 'iVBO' } } }]);
    const content = readNotebook(doc);
    expect(content.outputs.map((o) => [o.path, o.bytes.length])).toEqual([
      ['cells/0/outputs/0/application/octet-stream', 5],
      ['cells/1/attachments/a.png/image/png', 3],
    ]);
  });

  it.each([
    [{ nbformat: 4, cells: [42, 'x', null] }, ['cell 0 is not an object', 'cell 1 is not an object', 'cell 2 is not an object']],
    [{ nbformat: 4, cells: [{ cell_type: 'code', source: 7 }] }, ['cell 0 has a source that is neither a string nor a list of strings']],
    [{ nbformat: 4, cells: [{ cell_type: 'code', source: ['a', 1] }] }, ['cell 0 has a source that is neither a string nor a list of strings']],
    [{ nbformat: 4, cells: [{ cell_type: 'code' }] }, ['cell 0 has a source that is neither a string nor a list of strings']],
    [{ nbformat: 4 }, ['`cells` is not a list']],
    ['text', ['the document is not a JSON object']],
  ])('broken shape %j', (doc, problems) => {
    expect(readNotebook(doc).problems).toEqual(problems);
  });

  it('stops reading past the cell limit, and says so once', () => {
    const cells = Array.from({ length: MAX_CELLS + 3 }, () => ({ cell_type: 'code', source: '' }));
    const content = readNotebook({ nbformat: 4, cells });
    expect(content.cells).toHaveLength(MAX_CELLS);
    expect(content.problems).toEqual([`more than ${MAX_CELLS} code cells; the rest were not read`]);
  });

  it('ignores output shapes it does not know', () => {
    const doc = notebook([
      { cell_type: 'code', source: 'x', outputs: 'nope' },
      { cell_type: 'code', source: 'y', outputs: [1, null, { data: 5 }] },
    ]);
    expect(readNotebook(doc)).toMatchObject({ outputs: [], problems: [] });
  });
});
