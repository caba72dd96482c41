/** What modelgate reads of an OpenVINO IR `.xml` (docs.openvino.ai "OpenVINO IR format"). */

export interface OpenVinoLayer {
  id: string;
  name: string;
  type: string;
  /** The opset the type comes from (`opset8`), `extension`, a custom name, or '' when absent (IR v7). */
  version: string;
  /** Offset of the `<layer` tag. */
  offset: number;
}

export interface OpenVinoModel {
  /** `<net name>`. */
  name?: string;
  /** `<net version>`: the IR version (10, 11). */
  irVersion?: number;
  layers: OpenVinoLayer[];
  /** The largest end (`offset + size`) of a Const layer's data in the weights file. */
  weightsEnd: number;
  /** The weights file beside the model (`<name>.bin`) and its size, set by the handler. */
  weights?: { name: string; size?: number };
}

export const emptyOpenVinoModel = (): OpenVinoModel => ({ layers: [], weightsEnd: 0 });
