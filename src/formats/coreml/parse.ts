import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { shapeOf, sniffMessage } from '../protobuf/sniff.js';
import { ProtoReader, WireType } from '../protobuf/wire.js';
import type { CoreMlModel } from './model.js';

/** Model.Type oneof fields (Model.proto), by number. */
const MODEL_TYPES: ReadonlyMap<number, string> = new Map([
  [200, 'pipelineClassifier'], [201, 'pipelineRegressor'], [202, 'pipeline'],
  [300, 'glmRegressor'], [301, 'supportVectorRegressor'], [302, 'treeEnsembleRegressor'], [303, 'neuralNetworkRegressor'], [304, 'bayesianProbitRegressor'],
  [400, 'glmClassifier'], [401, 'supportVectorClassifier'], [402, 'treeEnsembleClassifier'], [403, 'neuralNetworkClassifier'], [404, 'kNearestNeighborsClassifier'],
  [500, 'neuralNetwork'], [501, 'itemSimilarityRecommender'], [502, 'mlProgram'],
  [555, 'customModel'], [556, 'linkedModel'], [560, 'classConfidenceThresholding'],
  [600, 'oneHotEncoder'], [601, 'imputer'], [602, 'featureVectorizer'], [603, 'dictVectorizer'], [604, 'scaler'], [606, 'categoricalMapping'],
  [607, 'normalizer'], [609, 'arrayFeatureExtractor'], [610, 'nonMaximumSuppression'], [900, 'identity'],
  [2000, 'textClassifier'], [2001, 'wordTagger'], [2002, 'visionFeaturePrint'], [2003, 'soundAnalysisPreprocessing'], [2004, 'gazetteer'],
  [2005, 'wordEmbedding'], [2006, 'audioFeaturePrint'], [3000, 'serializedModel'],
]); // prettier-ignore

/** The specification versions Core ML has had (1 … 9 today); room for later ones. */
const MAX_SPEC_VERSION = 64;

/** Pipelines and control-flow networks nested in each other. */
const MAX_NESTING = 32;

/** Top-level Model fields: specificationVersion 1, description 2, isUpdatable 10, the Type oneof. */
const MODEL_SHAPE = shapeOf([
  [1, WireType.VARINT],
  [2, WireType.LEN],
  [10, WireType.VARINT],
  ...[...MODEL_TYPES.keys()].map((f) => [f, WireType.LEN] as const),
]);

/**
 * True when `name` ends in `.mlmodel`, or the bytes are a Model: specificationVersion (field 1)
 * first with a plausible value, then only Model fields, one of them a model type.
 */
export function looksLikeCoreMl(source: ByteSource, name: string): boolean {
  if (name.toLowerCase().endsWith('.mlmodel')) return true;
  const seen = sniffMessage(source, MODEL_SHAPE);
  const first = seen?.fields[0];
  if (!seen || first?.field !== 1 || first.value === undefined || first.value < 1 || first.value > MAX_SPEC_VERSION) return false;
  return seen.fields.some((f) => MODEL_TYPES.has(f.field));
}

class Reader {
  readonly model: CoreMlModel = { specificationVersion: 0, types: [], layers: 0, custom: [], links: [], serialized: [] };

  /** A Model message (top level or a pipeline member). */
  readModel(r: ProtoReader, where: string, depth: number): void {
    if (depth > MAX_NESTING) throw new ModelgateError('LIMIT_DEPTH', `Core ML models nested more than ${MAX_NESTING} deep`, { offset: r.start });
    while (r.next()) {
      const type = MODEL_TYPES.get(r.field);
      if (r.field === 1 && depth === 0) this.model.specificationVersion = r.varint();
      else if (type === undefined) r.skip();
      else {
        this.model.types.push(type);
        const at = r.fieldOffset;
        const m = r.message();
        if (r.field === 200 || r.field === 201) this.firstMessage(m, 1, (p) => this.readPipeline(p, where, depth));
        else if (r.field === 202) this.readPipeline(m, where, depth);
        else if (r.field === 303 || r.field === 403 || r.field === 500) this.readNetwork(m, where, depth);
        else if (r.field === 555) this.model.custom.push({ kind: 'model', className: this.stringField(m, 10), where, offset: at });
        else if (r.field === 556) this.readLink(m, where, at);
        else if (r.field === 3000) this.model.serialized.push(this.stringField(m, 1));
      }
    }
  }

  /** Pipeline: models 1 (repeated Model), names 2. */
  private readPipeline(r: ProtoReader, where: string, depth: number): void {
    let index = 0;
    while (r.next()) {
      if (r.field === 1) this.readModel(r.message(), `${where} > pipeline[${index++}]`, depth + 1);
      else r.skip();
    }
  }

  /** NeuralNetwork / NeuralNetworkClassifier / NeuralNetworkRegressor: layers 1. */
  private readNetwork(r: ProtoReader, where: string, depth: number): void {
    if (depth > MAX_NESTING) throw new ModelgateError('LIMIT_DEPTH', `Core ML networks nested more than ${MAX_NESTING} deep`, { offset: r.start });
    while (r.next()) {
      if (r.field === 1) this.readLayer(r.message(), where, depth);
      else r.skip();
    }
  }

  /** NeuralNetworkLayer (NeuralNetwork.proto): name 1, custom 500, branch 605, loop 615. */
  private readLayer(r: ProtoReader, where: string, depth: number): void {
    this.model.layers++;
    let name = '';
    while (r.next()) {
      const at = r.fieldOffset;
      if (r.field === 1) name = r.string();
      else if (r.field === 500)
        this.model.custom.push({ kind: 'layer', className: this.stringField(r.message(), 10), where: `${where} > layer "${name}"`, offset: at });
      else if (r.field === 605 || r.field === 615) {
        // BranchLayerParams: ifBranch 1, elseBranch 2. LoopLayerParams: conditionNetwork 3, bodyNetwork 4.
        const nets = r.field === 605 ? [1, 2] : [3, 4];
        const params = r.message();
        while (params.next()) {
          if (nets.includes(params.field)) this.readNetwork(params.message(), `${where} > layer "${name}"`, depth + 1);
          else params.skip();
        }
      } else r.skip();
    }
  }

  /** LinkedModel: linkedModelFile 1 → LinkedModelFile: linkedModelFileName 1, linkedModelSearchPath 2 (StringParameter: defaultValue 1). */
  private readLink(r: ProtoReader, where: string, offset: number): void {
    this.firstMessage(r, 1, (file) => {
      const link = { fileName: '', searchPath: '', where, offset };
      while (file.next()) {
        if (file.field === 1) link.fileName = this.stringField(file.message(), 1);
        else if (file.field === 2) link.searchPath = this.stringField(file.message(), 1);
        else file.skip();
      }
      this.model.links.push(link);
    });
  }

  private firstMessage(r: ProtoReader, field: number, each: (m: ProtoReader) => void): void {
    while (r.next()) {
      if (r.field === field) each(r.message());
      else r.skip();
    }
  }

  private stringField(r: ProtoReader, field: number): string {
    let value = '';
    while (r.next()) {
      if (r.field === field) value = r.string();
      else r.skip();
    }
    return value;
  }
}

/**
 * Parses a Core ML model (Model.proto): its type, pipeline members, neural network layers
 * (branch and loop bodies too), custom layer and custom model class names, linked models.
 * Weights are passed over. Fail closed: a malformed structure ends the parse with `error`.
 */
export function parseCoreMl(source: ByteSource): { model: CoreMlModel; error?: ModelgateError } {
  const reader = new Reader();
  try {
    reader.readModel(ProtoReader.over(source), 'model', 0);
    if (reader.model.specificationVersion === 0) throw new ModelgateError('MALFORMED', 'Core ML model without a specificationVersion');
    return { model: reader.model };
  } catch (e) {
    return { model: reader.model, error: e instanceof ModelgateError ? e : new ModelgateError('MALFORMED', String(e), { cause: e }) };
  }
}
