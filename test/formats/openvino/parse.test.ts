import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { openVinoIr, plainIr } from '../../../src/formats/openvino/builder.js';
import { isOpenVinoXml, parseOpenVino } from '../../../src/formats/openvino/parse.js';
import { scanBytes } from '../../helpers/scan-bytes.js';

const parse = (bytes: Buffer | string) => parseOpenVino(new BufferSource(Buffer.from(bytes)));

describe('parseOpenVino', () => {
  it('reads the net, its layers and the extent of its constants', () => {
    const { model, error } = parse(plainIr());
    expect(error).toBeUndefined();
    expect(model).toMatchObject({ name: 'Model0', irVersion: 11, weightsEnd: 32 });
    expect(model.layers.map((l) => `${l.type}/${l.version}`)).toEqual(['Parameter/opset1', 'Const/opset1', 'MatMul/opset1', 'Result/opset1']);
  });

  it('reads the layers of TensorIterator and Loop bodies', () => {
    const { model } = parse(openVinoIr({ layers: [{ type: 'Loop', version: 'opset5', body: [{ type: 'Secret', version: 'custom' }] }] }));
    expect(model.layers.map((l) => l.type)).toEqual(['Loop', 'Secret']);
  });

  it('decodes entities and UTF-8 in names, with byte offsets', () => {
    const xml = Buffer.from('<net name="n" version="11"><layers><layer id="0" name="é&amp;x" type="T" version="v"/></layers></net>');
    const { model } = parse(xml);
    expect(model.layers[0]).toMatchObject({ name: 'é&x', offset: xml.indexOf('<layer ') });
  });

  it.each([
    ['a root other than net', '<?xml version="1.0"?><model/>', 'MALFORMED'],
    ['a truncated file', '<net version="11"><layers><layer id="0" type="X" version="opset1">', 'TRUNCATED'],
    ['a mismatched end tag', '<net><layers></net></layers>', 'MALFORMED'],
    ['an undefined entity', '<net name="&xxe;"></net>', 'MALFORMED'],
    ['a DOCTYPE with an internal subset', '<!DOCTYPE net [<!ENTITY a "b">]><net></net>', 'UNSUPPORTED'],
    ['a tag that never ends', '<net version="11"', 'MALFORMED'],
    ['two roots', '<net></net><net></net>', 'MALFORMED'],
  ])('fails on %s', (_name, xml, code) => {
    expect(parse(xml).error?.code).toBe(code);
  });

  it('recognises an IR head by its <net> root, not by its name', () => {
    expect(isOpenVinoXml(plainIr().subarray(0, 512))).toBe(true);
    expect(isOpenVinoXml(Buffer.from('<!-- c --><net>'))).toBe(true);
    expect(isOpenVinoXml(Buffer.from('<?xml version="1.0"?><network>'))).toBe(false);
    expect(isOpenVinoXml(Buffer.from('<html><net>'))).toBe(false);
  });
});

describe('OpenVINO IR through the engine', () => {
  it('names the format of an IR and of the weights beside it, both clean', async () => {
    const weights = Buffer.alloc(32, 0x3f);
    weights[0] = 0x80; // a float byte that is also a pickle opcode
    const xml = await scanBytes(plainIr(), { name: 'model.xml', siblings: { 'model.bin': weights } });
    expect(xml.format).toBe('openvino-ir');
    expect(xml.verdict).toBe('clean');
    expect(xml.findings.find((f) => f.ruleId === 'openvino/model-info')?.message).toContain('weights model.bin (32 bytes)');
    const bin = await scanBytes(weights, { name: 'model.bin', siblings: { 'model.xml': plainIr() } });
    expect(bin.format).toBe('openvino-weights');
    expect(bin.verdict).toBe('clean');
  });

  it('grades an extension layer medium', async () => {
    const result = await scanBytes(openVinoIr({ layers: [{ type: 'MyOp', version: 'extension' }] }));
    expect(result.format).toBe('openvino-ir');
    expect(result.verdict).toBe('suspicious');
  });

  it('is an error, never clean, when the XML breaks', async () => {
    const result = await scanBytes(plainIr().subarray(0, 200));
    expect(result.format).toBe('openvino-ir');
    expect(result.verdict).toBe('error');
  });
});
