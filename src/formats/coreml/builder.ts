import { proto, type ProtoWriter } from '../protobuf/writer.js';

/** Test-only: Core ML models (Model.proto) from small descriptions. */
export type CoreMlLayerDesc = { name: string; custom?: string; loopBody?: CoreMlLayerDesc[] };

const description = (): ProtoWriter => proto().message(1, proto().string(1, 'image')).message(10, proto().string(1, 'out'));

function network(layers: CoreMlLayerDesc[]): ProtoWriter {
  const w = proto();
  for (const l of layers) {
    const layer = proto().string(1, l.name).string(2, 'in').string(3, 'out');
    if (l.custom !== undefined) layer.message(500, proto().string(10, l.custom).string(40, 'custom'));
    else if (l.loopBody) layer.message(615, proto().uint(1, 3).message(4, network(l.loopBody)));
    else layer.message(140, proto().uint(1, 1)); // an activation-like layer
    w.message(1, layer);
  }
  return w;
}

/** A neural network model (type `neuralNetwork`, field 500). */
export const coreMlNetwork = (layers: CoreMlLayerDesc[], version = 4): Buffer =>
  proto().uint(1, version).message(2, description()).message(500, network(layers)).finish();

/** A custom model (type `customModel`, field 555) with its class name. */
export const coreMlCustomModel = (className: string): Buffer =>
  proto().uint(1, 1).message(2, description()).message(555, proto().string(10, className)).finish();

/** A pipeline (field 202) of the given Model messages. */
export function coreMlPipeline(members: Buffer[]): Buffer {
  const pipeline = proto();
  members.forEach((m, i) => pipeline.message(1, m).string(2, `m${i}`));
  return proto().uint(1, 4).message(2, description()).message(202, pipeline).finish();
}

/** A linked model (field 556). */
export const coreMlLinked = (fileName: string, searchPath: string): Buffer =>
  proto()
    .uint(1, 4)
    .message(2, description())
    .message(556, proto().message(1, proto().message(1, proto().string(1, fileName)).message(2, proto().string(1, searchPath))))
    .finish();

/** A weight blob file (MILBlob StorageFormat.hpp) holding blobs of the given sizes. */
export function coreMlWeights(sizes: number[]): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(64);
  header.writeUInt32LE(sizes.length, 0);
  header.writeUInt32LE(2, 4);
  parts.push(header);
  let pos = 64;
  for (const size of sizes) {
    const meta = Buffer.alloc(64);
    meta.writeUInt32LE(0xdeadbeef, 0);
    meta.writeUInt32LE(1, 4);
    meta.writeBigUInt64LE(BigInt(size), 8);
    meta.writeBigUInt64LE(BigInt(pos + 64), 16);
    const padded = Math.ceil(size / 64) * 64;
    parts.push(meta, Buffer.alloc(padded, 0x3c));
    pos += 64 + padded;
  }
  return Buffer.concat(parts);
}
