import { BufferSource } from '../../core/byte-source.js';
import { ProtoReader } from '../protobuf/wire.js';
import type { Fingerprint, KerasMetadata } from './model.js';

/**
 * Bytes of one Keras object's metadata JSON kept. A whole functional model's config sits in
 * one entry and reaches a few megabytes; a cut JSON is still searched as text by the rules.
 */
export const MAX_KERAS_JSON_BYTES = 64 * 1024 * 1024;

/** Keras objects read from keras_metadata.pb; one per layer, metric and model. */
const MAX_KERAS_OBJECTS = 1_000_000;

/**
 * Parses keras_metadata.pb, Keras's saved_metadata.proto: SavedMetadata.nodes (1) are
 * SavedObjects with node_path (3), identifier (4) and metadata (5, JSON text). Throws a
 * ModelgateError when the bytes are not that message.
 */
export function parseKerasMetadata(bytes: Buffer): KerasMetadata {
  const r = ProtoReader.over(new BufferSource(bytes));
  const keras: KerasMetadata = { objects: [] };
  while (r.next()) {
    if (r.field !== 1) {
      r.skip();
      continue;
    }
    if (keras.objects.length >= MAX_KERAS_OBJECTS) break;
    const object = { path: '', identifier: '', metadata: '', offset: r.fieldOffset };
    const o = r.message();
    while (o.next()) {
      if (o.field === 3) object.path = o.string();
      else if (o.field === 4) object.identifier = o.string();
      else if (o.field === 5) object.metadata = o.string(MAX_KERAS_JSON_BYTES);
      else o.skip();
    }
    keras.objects.push(object);
  }
  return keras;
}

/**
 * Parses fingerprint.pb (tensorflow/core/protobuf/fingerprint.proto FingerprintDef):
 * saved_model_checksum (1), graph_def_program_hash (2), signature_def_hash (3),
 * saved_object_graph_hash (4), checkpoint_hash (5), all uint64; uuid (7).
 */
export function parseFingerprint(bytes: Buffer): Fingerprint {
  const r = ProtoReader.over(new BufferSource(bytes));
  const fp: Fingerprint = {};
  const hex = (): string => r.uint64().toString(16).padStart(16, '0');
  while (r.next()) {
    switch (r.field) {
      case 1:
        fp.savedModelChecksum = hex();
        break;
      case 2:
        fp.graphDefProgramHash = hex();
        break;
      case 3:
        fp.signatureDefHash = hex();
        break;
      case 4:
        fp.savedObjectGraphHash = hex();
        break;
      case 5:
        fp.checkpointHash = hex();
        break;
      case 7:
        fp.uuid = r.string(256);
        break;
      default:
        r.skip();
    }
  }
  return fp;
}
