/** What modelgate reads of a Core ML model (coremltools mlmodel/format/Model.proto). */

/** A class the app must provide: a custom layer (MLCustomLayer) or a custom model (MLCustomModel). */
export interface CoreMlCustomClass {
  kind: 'layer' | 'model';
  className: string;
  /** Where it sits: `model > pipeline[1] > layer "x"`. */
  where: string;
  offset: number;
}

/** A LinkedModel: another compiled model loaded by file name from a search path. */
export interface CoreMlLink {
  fileName: string;
  searchPath: string;
  where: string;
  offset: number;
}

export interface CoreMlModel {
  specificationVersion: number;
  /** Model types (the `Type` oneof's field names) of the model and its pipeline members. */
  types: string[];
  layers: number;
  custom: CoreMlCustomClass[];
  links: CoreMlLink[];
  /** SerializedModel identifiers (opaque model blobs for a private Core ML type). */
  serialized: string[];
}
