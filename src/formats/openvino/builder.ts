/**
 * Test-only: an OpenVINO IR v11 `.xml` as the OpenVINO serializer lays it out
 * (`<net><layers><layer id name type version><data/><input/><output/></layer></layers><edges/></net>`).
 */
export interface IrLayerDesc {
  type: string;
  version?: string;
  name?: string;
  /** `<data>` attributes (Const layers carry `offset` and `size` into the `.bin`). */
  data?: Record<string, string>;
  /** A TensorIterator/Loop body: its own layers. */
  body?: IrLayerDesc[];
}

const attrs = (a: Record<string, string>): string =>
  Object.entries(a)
    .map(([k, v]) => ` ${k}="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`)
    .join('');

function layers(list: IrLayerDesc[], indent: string, next: { id: number }): string {
  return list
    .map((l) => {
      const id = next.id++;
      const head = `${indent}<layer${attrs({ id: String(id), name: l.name ?? `${l.type}_${id}`, type: l.type, ...(l.version === undefined ? {} : { version: l.version }) })}>\n`;
      const data = l.data ? `${indent}\t<data${attrs(l.data)} />\n` : '';
      const body = l.body
        ? `${indent}\t<body>\n${indent}\t\t<layers>\n${layers(l.body, `${indent}\t\t\t`, { id: 0 })}${indent}\t\t</layers>\n${indent}\t</body>\n`
        : '';
      return `${head}${data}${body}${indent}</layer>\n`;
    })
    .join('');
}

/** The IR's bytes. */
export function openVinoIr(desc: { name?: string; version?: number; layers: IrLayerDesc[] }): Buffer {
  const xml =
    `<?xml version="1.0"?>\n<net name="${desc.name ?? 'Model0'}" version="${desc.version ?? 11}">\n\t<layers>\n` +
    layers(desc.layers, '\t\t', { id: 0 }) +
    `\t</layers>\n\t<edges>\n\t\t<edge from-layer="0" from-port="0" to-layer="1" to-port="0" />\n\t</edges>\n\t<rt_info />\n</net>\n`;
  return Buffer.from(xml, 'utf8');
}

/** A small ordinary network: Parameter → Const weights → MatMul → Result, all opset1/opset8. */
export const plainIr = (): Buffer =>
  openVinoIr({
    layers: [
      { type: 'Parameter', version: 'opset1', data: { shape: '1,4', element_type: 'f32' } },
      { type: 'Const', version: 'opset1', data: { element_type: 'f32', shape: '4,2', offset: '0', size: '32' } },
      { type: 'MatMul', version: 'opset1' },
      { type: 'Result', version: 'opset1' },
    ],
  });
