import type { OnnxAttributeValue } from './model.js';

/**
 * AttributeProto.AttributeType (onnx.proto) → the kind of value it names, for the kinds kept.
 * UNDEFINED (0) is what old exporters leave: the value fields alone decide then.
 */
const KIND_OF_TYPE: ReadonlyMap<number, OnnxAttributeValue['type']> = new Map([
  [1, 'float'], // FLOAT
  [2, 'int'], // INT
  [3, 'string'], // STRING
  [4, 'tensor'], // TENSOR
  [5, 'graph'], // GRAPH
  [6, 'floats'], // FLOATS
  [7, 'ints'], // INTS
  [10, 'graph'], // GRAPHS
]);

/**
 * The attribute's value as a runtime would take it: a runtime reads the field its `type` (20)
 * names, so a value read from another field is not what it would run; that, or a `type` this
 * reader does not keep, gives `other` (which an interpreter refuses).
 */
export function attributeKind(value: OnnxAttributeValue, declared: number): OnnxAttributeValue {
  if (declared === 0 || value.type === 'other') return value;
  return KIND_OF_TYPE.get(declared) === value.type ? value : { type: 'other' };
}
