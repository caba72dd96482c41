import { BufferSource } from '../../../src/core/byte-source.js';
import type { SavedModel } from '../../../src/formats/savedmodel/model.js';
import { parseSavedModel } from '../../../src/formats/savedmodel/parse.js';
import { parseFingerprint, parseKerasMetadata } from '../../../src/formats/savedmodel/sidecar.js';
import { expectOffset, type RuleFormat } from '../../helpers/rule-tester.js';

/** SavedModel bytes, alone or with the sidecar files that may sit beside them. */
export type SavedModelInput = Buffer | { model: Buffer; keras?: Buffer; fingerprint?: Buffer };

/** The rule tester's adapter for SavedModel: the model (which must parse) and its sidecars; findings carry an offset. */
export const SAVEDMODEL: RuleFormat<SavedModelInput, SavedModel> = {
  parse(input) {
    const files = Buffer.isBuffer(input) ? { model: input } : input;
    const { model, error } = parseSavedModel(new BufferSource(files.model));
    if (error) throw error;
    if (files.keras) model.keras = parseKerasMetadata(files.keras);
    if (files.fingerprint) model.fingerprint = parseFingerprint(files.fingerprint);
    return model;
  },
  eachFinding: expectOffset,
};
