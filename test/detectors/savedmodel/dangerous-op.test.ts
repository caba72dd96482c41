import { dangerousOp } from '../../../src/detectors/savedmodel/dangerous-op.js';
import { constString, graphDef, savedModel, type NodeDesc } from '../../../src/formats/savedmodel/builder.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { SAVEDMODEL } from './adapter.js';

const graph = (...nodes: NodeDesc[]): Buffer => savedModel({ metaGraphs: [{ graph: { nodes } }] });
const op = (name: string, opName: string, inputs: string[] = [], attrs: NodeDesc['attrs'] = {}): NodeDesc => ({ name, op: opName, inputs, attrs });

ruleTester(dangerousOp, SAVEDMODEL, {
  valid: [
    { name: 'arithmetic', input: graph(op('x', 'Placeholder'), op('y', 'MatMul', ['x', 'x']), op('z', 'Relu', ['y'])) },
    { name: 'PrintV2 to stderr', input: graph(op('p', 'PrintV2', ['s'], { output_stream: { s: 'stderr' } })) },
    { name: 'PrintV2 to the log', input: graph(op('p', 'PrintV2', ['s'], { output_stream: { s: 'log(info)' } })) },
    { name: 'an in-memory dataset cache', input: graph(constString('f', ''), op('c', 'CacheDatasetV2', ['ds', 'f', 'cache'])) },
    { name: 'a function attribute naming a library function', input: graph(op('call', 'StatefulPartitionedCall', [], { f: { func: '__inference_f_1' } })) },
    { name: 'ReadFile in a string constant only', input: graph(constString('doc', 'ReadFile')) },
    {
      name: 'stateful in-process ops (variables, random, tables, iterators)',
      input: graph(
        op('v', 'VarHandleOp'),
        op('r', 'ReadVariableOp', ['v']),
        op('a', 'AssignVariableOp', ['v', 'r']),
        op('u', 'RandomUniform', ['shape']),
        op('t', 'HashTableV2'),
        op('n', 'IteratorGetNext', ['it']),
      ),
    },
    { name: 'a regex pattern input is no file', input: graph(constString('p', '/etc/.*'), op('m', 'RegexFullMatch', ['s', 'p'])) },
    { name: 'DecodeProtoV2 with the built-in descriptor pool', input: graph(op('d', 'DecodeProtoV2', ['b'], { descriptor_source: { s: 'local://' } })) },
    { name: 'EncodeProto with inline descriptors', input: graph(op('e', 'EncodeProto', ['s', 'v'], { descriptor_source: { s: 'bytes://\n\x08' } })) },
    { name: 'FixedUnigramCandidateSampler with unigrams, no vocab file', input: graph(op('c', 'FixedUnigramCandidateSampler', ['t'])) },
  ],
  invalid: [
    {
      name: 'ReadFile of an absolute constant (JFrog TFLOW-MALOPS)',
      input: graph(constString('fname', '/etc/passwd'), op('read', 'ReadFile', ['fname'])),
      errors: [{ severity: 'high', evidence: 'ReadFile("/etc/passwd")', message: 'is an absolute path' }],
    },
    { name: 'ReadFile of a computed path', input: graph(op('read', 'ReadFile', ['x:0'])), errors: [{ severity: 'medium', message: 'computed at run time' }] },
    {
      name: 'ReadFile of a relative constant',
      input: graph(constString('f', 'data.txt'), op('read', 'ReadFile', ['f'])),
      errors: [{ severity: 'medium', message: 'path "data.txt"' }],
    },
    {
      name: 'WriteFile (JFrog TFLOW-MALOPS)',
      input: graph(constString('f', 'notes.txt'), constString('c', 'x'), op('write', 'WriteFile', ['f', 'c'])),
      errors: [{ severity: 'high', evidence: 'WriteFile("notes.txt")' }],
    },
    {
      name: 'a path built by StringJoin through Identity',
      input: graph(
        constString('a', '/home'),
        constString('b', '.ssh/id_rsa'),
        op('j', 'StringJoin', ['a', 'b'], { separator: { s: '/' } }),
        op('i', 'Identity', ['j:0']),
        op('r', 'ReadFile', ['i']),
      ),
      errors: [{ severity: 'high', evidence: 'ReadFile("/home/.ssh/id_rsa")' }],
    },
    {
      name: 'a PlaceholderWithDefault whose default climbs out',
      input: graph(constString('d', '../../secret'), op('p', 'PlaceholderWithDefault', ['d']), op('r', 'MatchingFiles', ['p'])),
      errors: [{ severity: 'high', message: 'climbs out' }],
    },
    { name: 'MatchingFiles', input: graph(op('m', 'MatchingFiles', ['pattern'])), errors: [{ severity: 'medium', message: 'file system' }] },
    {
      name: 'PyFunc with its token',
      input: graph(op('py', 'PyFunc', ['x'], { token: { s: 'pyfunc_0' } })),
      errors: [{ severity: 'high', evidence: 'PyFunc("pyfunc_0")', message: '(python)' }],
    },
    { name: 'EagerPyFunc', input: graph(op('py', 'EagerPyFunc', ['x'])), errors: [{ severity: 'high' }] },
    {
      name: 'ImmutableConst maps a file',
      input: graph(op('k', 'ImmutableConst', [], { memory_region_name: { s: '/dev/shm/w' } })),
      errors: [{ severity: 'high', evidence: 'ImmutableConst("/dev/shm/w")' }],
    },
    {
      name: 'checkpoint save to a computed path is low',
      input: graph(op('s', 'SaveV2', ['saver_filename', 'names', 'slices'])),
      errors: [{ severity: 'low', message: 'expected for the model' }],
    },
    {
      name: 'checkpoint restore from the relative "model"',
      input: graph(constString('c', 'model'), op('r', 'RestoreV2', ['c', 'n', 's'])),
      errors: [{ severity: 'low' }],
    },
    {
      name: 'checkpoint save to /tmp is high',
      input: graph(constString('c', '/tmp/x/ckpt'), op('s', 'SaveV2', ['c', 'n', 's'])),
      errors: [{ severity: 'high', message: 'is an absolute path' }],
    },
    {
      name: 'checkpoint restore from gs:// is medium',
      input: graph(constString('c', 'gs://bucket/ckpt'), op('r', 'RestoreV2', ['c', 'n', 's'])),
      errors: [{ severity: 'medium', message: 'gs:// URL' }],
    },
    {
      name: 'MergeV2Checkpoints into an absolute destination',
      input: graph(constString('d', '/var/x'), op('m', 'MergeV2Checkpoints', ['p', 'd'])),
      errors: [{ severity: 'high' }],
    },
    {
      name: 'PrintV2 to a file',
      input: graph(op('p', 'PrintV2', ['s'], { output_stream: { s: 'file:///tmp/log' } })),
      errors: [{ severity: 'medium', message: 'file:// URL' }],
    },
    {
      name: 'DebugIdentity to a gRPC host',
      input: graph(op('d', 'DebugIdentity', ['x'], { debug_urls: { list: ['grpc://evil:6064'] } })),
      errors: [{ severity: 'high', message: 'grpc:// URL' }],
    },
    {
      name: 'DebugIdentityV2 dumping to disk',
      input: graph(op('d', 'DebugIdentityV2', ['x'], { debug_urls: { list: ['file:///tmp/dump'] } })),
      errors: [{ severity: 'medium' }],
    },
    { name: 'DebugNanCount without URLs', input: graph(op('d', 'DebugNanCount', ['x'])), errors: [{ severity: 'low' }] },
    {
      name: 'a summary file writer',
      input: graph(constString('l', '/tmp/logs'), op('w', 'CreateSummaryFileWriter', ['h', 'l'])),
      errors: [{ severity: 'high' }],
    },
    { name: 'a summary write', input: graph(op('w', 'WriteScalarSummary', ['h', 's', 't', 'v'])), errors: [{ severity: 'low' }] },
    { name: 'a TFRecord dataset', input: graph(op('d', 'TFRecordDataset', ['files', 'c', 'b'])), errors: [{ severity: 'medium' }] },
    { name: 'a dataset written to TFRecord', input: graph(op('d', 'DatasetToTFRecord', ['ds', 'f', 'c'])), errors: [{ severity: 'high' }] },
    { name: 'a file-backed dataset cache', input: graph(constString('f', 'cache'), op('c', 'CacheDataset', ['ds', 'f'])), errors: [{ severity: 'medium' }] },
    {
      name: 'a tf.data service',
      input: graph(constString('a', 'evil.example:5050'), op('d', 'DataServiceDatasetV4', ['id', 'mode', 'a'])),
      errors: [{ severity: 'high', message: '(network)' }],
    },
    { name: 'TF1 Rpc', input: graph(op('r', 'Rpc', ['addr', 'method', 'req'])), errors: [{ severity: 'high' }] },
    { name: 'an RPC client', input: graph(op('c', 'RpcClient', ['addr', 't'])), errors: [{ severity: 'high' }] },
    // Not in the curated table: judged by the category TensorFlow's op registry gives it.
    {
      name: 'a reader read, by its registry category',
      input: graph(op('r', 'ReaderReadV2', ['reader', 'queue'])),
      errors: [{ severity: 'medium', evidence: 'ReaderReadV2()', message: '(file system)' }],
    },
    {
      name: 'a collective op reaches other workers',
      input: graph(op('c', 'CollectiveReduceV2', ['x', 'g', 'k', 'i'])),
      errors: [{ severity: 'medium', message: '(network)' }],
    },
    { name: 'an XLA custom call runs native code', input: graph(op('x', 'XlaCustomCall', ['a'])), errors: [{ severity: 'high', message: '(native)' }] },
    {
      name: 'DecodeProtoV2 reading descriptors from a file',
      input: graph(op('d', 'DecodeProtoV2', ['b'], { descriptor_source: { s: '/etc/passwd' } })),
      errors: [{ severity: 'high', evidence: 'DecodeProtoV2("/etc/passwd")' }],
    },
    {
      name: 'FixedUnigramCandidateSampler reading a vocab file',
      input: graph(op('c', 'FixedUnigramCandidateSampler', ['t'], { vocab_file: { s: 'vocab.txt' } })),
      errors: [{ severity: 'medium', message: 'path "vocab.txt"' }],
    },
    {
      name: 'a primitive op called through a func attribute',
      input: graph(op('call', 'PartitionedCall', ['f'], { f: { func: 'WriteFile' } })),
      errors: [{ severity: 'high', evidence: 'PartitionedCall(f=WriteFile)', message: 'calls op WriteFile through its func attribute f' }],
    },
    {
      name: 'inside a library function, with an argument path',
      input: savedModel({
        metaGraphs: [{ graph: { functions: [{ name: '__inference_f_9', args: ['path'], nodes: [op('w', 'WriteFile', ['path', 'path'])] }] } }],
      }),
      errors: [{ severity: 'high', message: 'in function "__inference_f_9"' }],
    },
    {
      name: 'inside a GraphDef serialized in an attribute',
      input: graph(op('holder', 'NoOp', [], { blob: { s: graphDef({ nodes: [constString('p', '/etc/shadow'), op('r', 'ReadFile', ['p'])] }) } })),
      errors: [{ severity: 'high', evidence: 'ReadFile("/etc/shadow")', message: 'GraphDef in meta graph 0 [serve] > node "holder" attr blob' }],
    },
    {
      name: 'inside a GraphDef in a DatasetFromGraph constant',
      input: graph(
        op('g', 'Const', [], { value: { tensorStrings: [graphDef({ nodes: [op('w', 'WriteFile', ['a', 'b'])] })] } }),
        op('d', 'DatasetFromGraph', ['g']),
      ),
      errors: [
        { severity: 'low', message: 'DatasetFromGraph' },
        { severity: 'high', evidence: 'WriteFile' },
      ],
    },
    {
      name: 'listed in stripped_op_list but found in no node',
      input: savedModel({ metaGraphs: [{ strippedOps: ['Const', 'WriteFile', 'PrintV2'] }] }),
      errors: [
        { severity: 'high', evidence: 'WriteFile', message: 'no node running it was found' },
        { severity: 'low', evidence: 'PrintV2' },
      ],
    },
    {
      name: 'many nodes of one op are capped, then counted',
      input: graph(...Array.from({ length: 23 }, (_, i) => op(`r${i}`, 'ReadFile', ['x']))),
      errors: [...Array.from({ length: 20 }, () => ({ severity: 'medium' as const })), { severity: 'medium', message: '3 more ReadFile node(s)' }],
    },
  ],
});
