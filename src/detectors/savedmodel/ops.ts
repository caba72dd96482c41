import type { Severity } from '../../core/severity.js';

/** How a risky op's grade depends on its attributes (see `RiskyOp.attrRule`). */
export type AttrRule =
  /** PrintV2: only an `output_stream` of `file://...` writes a file; stdout/stderr/log are fine. */
  | 'print-to-file'
  /** tfdbg ops: `debug_urls` of `file://` dump tensors to disk, `grpc://` send them to a host. */
  | 'debug-urls'
  /** CacheDataset: an empty `filename` input caches in memory; any other writes cache files. */
  | 'cache-file'
  /** Proto codecs and samplers: only a path attribute set to a file (not empty, `local://` or inline `bytes://`) reads one. */
  | 'path-set';

/** One row of the table: why the op matters and how to grade it. */
export interface RiskyOp {
  category: 'file read' | 'file write' | 'file system' | 'python' | 'network' | 'native' | 'checkpoint read' | 'checkpoint write' | 'graph';
  /** Grade when nothing more is known (a path computed at run time, or a relative constant). */
  severity: Severity;
  /** Grade when a path input or attribute is a constant outside the model folder (absolute, `..`, URL). */
  outside?: Severity;
  /** Indices of inputs that name files or addresses (op_def input_arg order). */
  pathInputs?: number[];
  /** Attributes that name files or addresses. */
  pathAttrs?: string[];
  attrRule?: AttrRule;
  why: string;
}

const row = (category: RiskyOp['category'], severity: Severity, why: string, more: Partial<RiskyOp> = {}): RiskyOp => ({ category, severity, why, ...more });

const readsFilenames = (what: string): RiskyOp => row('file read', 'medium', `reads ${what} named by its input`, { outside: 'high', pathInputs: [0] });
const fileReader = row('file read', 'medium', 'a reader that reads whole files or records from the files queued to it');
const summaryWrite = row('file write', 'low', 'writes a summary event through a summary writer resource');
const checkpointWrite = (inputs: number[]): RiskyOp =>
  row('checkpoint write', 'low', "writes checkpoint files; expected for the model's own variables", { outside: 'high', pathInputs: inputs });
const checkpointRead = row('checkpoint read', 'low', "reads checkpoint files; expected for the model's own variables", { outside: 'medium', pathInputs: [0] });
const debugOp = row('network', 'low', 'tfdbg op: dumps tensors to the URLs in debug_urls', { pathAttrs: ['debug_urls'], attrRule: 'debug-urls' });
const pyFunc = row('python', 'high', 'calls a Python function registered in the loading process (by the token attribute), outside the graph');
const dataService = row('network', 'high', 'reads a dataset from a tf.data service at the address input (network)', { pathInputs: [2] });
const rpc = row('network', 'high', 'makes or serves remote procedure calls (network)', { pathInputs: [0] });

/**
 * TensorFlow ops that touch files, processes, Python or the network, with a reason each: the one
 * table the `savedmodel/dangerous-op` rule reads. Names are TensorFlow raw op names (tf.raw_ops,
 * tensorflow/core/ops/*.cc); `Rpc`/`TryRpc` are TF 1.x core ops, the `Rpc*` ops those of
 * tf.distribute.experimental.rpc. Input indices follow each op's input_arg order.
 */
export const RISKY_OPS: ReadonlyMap<string, RiskyOp> = new Map<string, RiskyOp>([
  // Arbitrary file access (io_ops.cc).
  ['ReadFile', readsFilenames('the whole file')],
  ['WriteFile', row('file write', 'high', 'writes its contents input to the file named by its filename input', { outside: 'high', pathInputs: [0] })],
  ['MatchingFiles', row('file system', 'medium', 'lists the files matching a glob pattern, exposing the file system', { outside: 'high', pathInputs: [0] })],
  [
    'ImmutableConst',
    row('file read', 'medium', 'memory-maps the file named by memory_region_name as a tensor', { outside: 'high', pathAttrs: ['memory_region_name'] }),
  ],
  ['FileSystemSetConfiguration', row('file system', 'medium', 'changes the configuration of a file system (scheme, key, value)')],
  ['WholeFileReader', fileReader],
  ['WholeFileReaderV2', fileReader],
  ['TextLineReader', fileReader],
  ['TextLineReaderV2', fileReader],
  ['TFRecordReader', fileReader],
  ['TFRecordReaderV2', fileReader],
  ['FixedLengthRecordReader', fileReader],
  ['FixedLengthRecordReaderV2', fileReader],
  ['LMDBReader', fileReader],
  // Python (script_ops.cc).
  ['PyFunc', pyFunc],
  ['PyFuncStateless', pyFunc],
  ['EagerPyFunc', pyFunc],
  // Checkpoints (io_ops.cc): every SavedModel saves and restores its variables.
  ['Save', checkpointWrite([0])],
  ['SaveV2', checkpointWrite([0])],
  ['SaveSlices', checkpointWrite([0])],
  [
    'MergeV2Checkpoints',
    row('checkpoint write', 'low', "merges checkpoint shards into the destination prefix and deletes the sources; expected for the model's own variables", {
      outside: 'high',
      pathInputs: [0, 1],
    }),
  ],
  ['Restore', checkpointRead],
  ['RestoreV2', checkpointRead],
  ['RestoreSlice', checkpointRead],
  ['LoadAndRemapMatrix', row('checkpoint read', 'low', 'reads a tensor from the checkpoint named by ckpt_path', { outside: 'medium', pathInputs: [0] })],
  ['GenerateVocabRemapping', row('file read', 'low', 'reads two vocabulary files', { outside: 'medium', pathInputs: [0, 1] })],
  [
    'InitializeTableFromTextFile',
    row('file read', 'low', 'fills a lookup table from a text file (usually a vocabulary asset)', { outside: 'medium', pathInputs: [1] }),
  ],
  [
    'InitializeTableFromTextFileV2',
    row('file read', 'low', 'fills a lookup table from a text file (usually a vocabulary asset)', { outside: 'medium', pathInputs: [1] }),
  ],
  // Printing and debugging (logging_ops.cc, debug_ops.cc).
  [
    'PrintV2',
    row('file write', 'medium', 'prints to the file named by output_stream', { outside: 'medium', pathAttrs: ['output_stream'], attrRule: 'print-to-file' }),
  ],
  ['DebugIdentity', debugOp],
  ['DebugIdentityV2', debugOp],
  ['DebugIdentityV3', debugOp],
  ['DebugNanCount', debugOp],
  ['DebugNumericSummary', debugOp],
  // Summaries (summary_ops.cc).
  ['CreateSummaryFileWriter', row('file write', 'medium', 'creates event files in the logdir input', { outside: 'high', pathInputs: [1] })],
  ['CreateSummaryDbWriter', row('file write', 'medium', 'writes summaries to the SQLite database at db_uri', { outside: 'high', pathInputs: [1] })],
  ['WriteSummary', summaryWrite],
  ['WriteScalarSummary', summaryWrite],
  ['WriteHistogramSummary', summaryWrite],
  ['WriteImageSummary', summaryWrite],
  ['WriteAudioSummary', summaryWrite],
  ['WriteGraphSummary', summaryWrite],
  ['WriteRawProtoSummary', summaryWrite],
  ['ImportEvent', summaryWrite],
  ['SummaryWriter', summaryWrite],
  ['FlushSummaryWriter', summaryWrite],
  ['CloseSummaryWriter', summaryWrite],
  // Proto codecs (decode_proto_ops.cc, encode_proto_ops.cc) and a sampler that read a file named by an attribute.
  [
    'DecodeProtoV2',
    row('file read', 'medium', 'reads the proto descriptors in the file named by descriptor_source', {
      outside: 'high',
      pathAttrs: ['descriptor_source'],
      attrRule: 'path-set',
    }),
  ],
  [
    'EncodeProto',
    row('file read', 'medium', 'reads the proto descriptors in the file named by descriptor_source', {
      outside: 'high',
      pathAttrs: ['descriptor_source'],
      attrRule: 'path-set',
    }),
  ],
  [
    'FixedUnigramCandidateSampler',
    row('file read', 'medium', 'reads unigram counts from the file named by vocab_file', { outside: 'high', pathAttrs: ['vocab_file'], attrRule: 'path-set' }),
  ],
  // tf.data sources that read files (dataset_ops.cc, experimental_dataset_ops.cc).
  ['TFRecordDataset', readsFilenames('TFRecord files')],
  ['TFRecordDatasetV2', readsFilenames('TFRecord files')],
  ['FixedLengthRecordDataset', readsFilenames('fixed-length record files')],
  ['FixedLengthRecordDatasetV2', readsFilenames('fixed-length record files')],
  ['TextLineDataset', readsFilenames('text files')],
  ['CSVDataset', readsFilenames('CSV files')],
  ['CSVDatasetV2', readsFilenames('CSV files')],
  ['ExperimentalCSVDataset', readsFilenames('CSV files')],
  ['LMDBDataset', readsFilenames('LMDB files')],
  ['ExperimentalLMDBDataset', readsFilenames('LMDB files')],
  ['MatchingFilesDataset', row('file system', 'medium', 'lists the files matching glob patterns', { outside: 'high', pathInputs: [0] })],
  ['ExperimentalMatchingFilesDataset', row('file system', 'medium', 'lists the files matching glob patterns', { outside: 'high', pathInputs: [0] })],
  ['SqlDataset', row('file read', 'medium', 'runs a SQL query against the database at data_source_name', { outside: 'high', pathInputs: [1] })],
  ['ExperimentalSqlDataset', row('file read', 'medium', 'runs a SQL query against the database at data_source_name', { outside: 'high', pathInputs: [1] })],
  ['LoadDataset', row('file read', 'medium', 'loads a saved dataset from the path input', { outside: 'high', pathInputs: [0] })],
  ['DatasetFromGraph', row('graph', 'low', 'runs a dataset from a serialized GraphDef input (a constant one is walked as a nested graph)')],
  // tf.data sinks that write files.
  ['SaveDataset', row('file write', 'high', 'writes a dataset to the path input', { outside: 'high', pathInputs: [1] })],
  ['SaveDatasetV2', row('file write', 'high', 'writes a dataset to the path input', { outside: 'high', pathInputs: [1] })],
  ['SnapshotDataset', row('file write', 'high', 'writes dataset snapshots under the path input', { outside: 'high', pathInputs: [1] })],
  ['SnapshotDatasetV2', row('file write', 'high', 'writes dataset snapshots under the path input', { outside: 'high', pathInputs: [1] })],
  ['DatasetToTFRecord', row('file write', 'high', 'writes a dataset to the TFRecord file named by its filename input', { outside: 'high', pathInputs: [1] })],
  [
    'ExperimentalDatasetToTFRecord',
    row('file write', 'high', 'writes a dataset to the TFRecord file named by its filename input', { outside: 'high', pathInputs: [1] }),
  ],
  [
    'CacheDataset',
    row('file write', 'medium', 'caches dataset elements in files at the filename input', { outside: 'high', pathInputs: [1], attrRule: 'cache-file' }),
  ],
  [
    'CacheDatasetV2',
    row('file write', 'medium', 'caches dataset elements in files at the filename input', { outside: 'high', pathInputs: [1], attrRule: 'cache-file' }),
  ],
  [
    'DistributedSave',
    row('network', 'high', 'writes a dataset snapshot to a directory through a tf.data service dispatcher (network)', { pathInputs: [1, 2] }),
  ],
  // Network.
  ['DataServiceDataset', dataService],
  ['DataServiceDatasetV2', dataService],
  ['DataServiceDatasetV3', dataService],
  ['DataServiceDatasetV4', dataService],
  ['RegisterDataset', row('network', 'high', 'registers a dataset with a tf.data service at the address input (network)', { pathInputs: [1] })],
  ['RegisterDatasetV2', row('network', 'high', 'registers a dataset with a tf.data service at the address input (network)', { pathInputs: [1] })],
  ['Rpc', rpc],
  ['TryRpc', rpc],
  ['RpcServer', rpc],
  ['RpcClient', rpc],
  ['RpcCall', row('network', 'high', 'calls a remote method through an RPC client (network)')],
  ['RpcServerStart', row('network', 'high', 'starts an RPC server (network)')],
  ['RpcServerRegister', row('network', 'high', 'registers a function to be served over RPC (network)')],
]);
