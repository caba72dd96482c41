import { dtype, ndarray, newDtype, plainDtypeState, scalar } from './numpy.js';
import { PyDict, PyList, PyReduce, float, global, intern, tuple, type PyValue } from './values.js';

/**
 * A fitted scikit-learn 1.9 RandomForestClassifier as `pickle.dumps` writes it: estimators
 * reduce by copyreg.__newobj__ (NEWOBJ) with their `__dict__` (+ `_sklearn_version`) as state;
 * each tree's `tree_` is `Tree(n_features, n_classes, n_outputs)` with BUILD of
 * {max_depth, node_count, nodes, values}, `nodes` an array of the structured NODE_DTYPE
 * (sklearn/tree/_tree.pyx __reduce__/__getstate__). Nodes per tree are fixed here; the data are
 * placeholders of the right size (the scanner reads them as opaque bytes).
 */

/** Nodes per tree (a forest without max_depth on ~1,500 samples grows trees this size). */
export const FOREST_TREE_NODES = 3000;
const CLASSES = 3;
const FEATURES = 4;
const VERSION = '1.9.1';

/** The constructor parameters, in their `__dict__` order, with their default values. */
const TREE_PARAMS: Array<[string, PyValue]> = [
  ['criterion', intern('gini')],
  ['splitter', intern('best')],
  ['max_depth', null],
  ['min_samples_split', 2],
  ['min_samples_leaf', 1],
  ['min_weight_fraction_leaf', float(0)],
  ['max_features', null],
  ['max_leaf_nodes', null],
  ['random_state', null],
  ['min_impurity_decrease', float(0)],
  ['class_weight', null],
  ['ccp_alpha', float(0)],
  ['monotonic_cst', null],
];
const ESTIMATOR_PARAMS = [
  'criterion',
  'max_depth',
  'min_samples_split',
  'min_samples_leaf',
  'min_weight_fraction_leaf',
  'max_features',
  'max_leaf_nodes',
  'min_impurity_decrease',
  'random_state',
  'ccp_alpha',
  'monotonic_cst',
];

const estimatorState = (entries: Array<[string, PyValue]>): PyDict =>
  PyDict.of([...entries.map(([k, v]): [PyValue, PyValue] => [intern(k), v]), [intern('_sklearn_version'), intern(VERSION)]]);
const newEstimator = (module: string, name: string, state: PyDict): PyReduce => new PyReduce(global(module, name), tuple(), { newobj: true, state });

const int64s = (values: number[]): Buffer => {
  const b = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => b.writeBigInt64LE(BigInt(v), i * 8));
  return b;
};
const float64s = (values: number[]): Buffer => {
  const b = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => b.writeDoubleLE(v, i * 8));
  return b;
};

let nodeDtype: PyReduce | undefined;
/** NODE_DTYPE: a 64-byte record; its field dtypes are objects of their own, except float64's. */
function nodeType(): PyReduce {
  if (nodeDtype) return nodeDtype;
  const i8 = newDtype('i8', plainDtypeState('i8'));
  const u1 = newDtype('u1', plainDtypeState('u1'));
  const f8 = dtype('f8');
  const fields: Array<[string, PyReduce]> = [
    ['left_child', i8],
    ['right_child', i8],
    ['feature', i8],
    ['threshold', f8],
    ['impurity', f8],
    ['n_node_samples', i8],
    ['weighted_n_node_samples', f8],
    ['missing_go_to_left', u1],
  ];
  const names = fields.map(([name]) => intern(name));
  const fieldDict = PyDict.of(fields.map(([name, type], i): [PyValue, PyValue] => [intern(name), tuple(type, i * 8)]));
  return (nodeDtype = newDtype('V64', tuple(3, '|', null, tuple(...names), fieldDict, 64, 1, 16)));
}

/** A tree's `nodes`: a complete binary tree in depth-first order, leaves marked -1. */
function nodeBytes(count: number): Buffer {
  const b = Buffer.alloc(count * 64);
  for (let i = 0; i < count; i++) {
    const left = 2 * i + 1 < count ? 2 * i + 1 : -1;
    b.writeBigInt64LE(BigInt(left), i * 64);
    b.writeBigInt64LE(BigInt(left < 0 ? -1 : left + 1), i * 64 + 8);
    b.writeBigInt64LE(BigInt(left < 0 ? -2 : i % FEATURES), i * 64 + 16);
    b.writeDoubleLE(i / count, i * 64 + 24);
  }
  return b;
}

function fittedTree(index: number, maxFeatures: PyValue): PyReduce {
  const nodes = FOREST_TREE_NODES;
  const tree = new PyReduce(global('sklearn.tree._tree', 'Tree'), tuple(FEATURES, ndarray([1], dtype('i8'), int64s([CLASSES])), 1), {
    state: PyDict.of([
      [intern('max_depth'), 12],
      [intern('node_count'), nodes],
      [intern('nodes'), ndarray([nodes], nodeType(), nodeBytes(nodes))],
      [intern('values'), ndarray([nodes, 1, CLASSES], dtype('f8'), Buffer.alloc(nodes * CLASSES * 8, 0x3f))],
    ]),
  });
  const params = TREE_PARAMS.map(([k, v]): [string, PyValue] => {
    if (k === 'max_depth') return [k, 12];
    if (k === 'max_features') return [k, maxFeatures];
    if (k === 'random_state') return [k, (index * 2654435761) % 2 ** 31];
    return [k, v];
  });
  return newEstimator(
    'sklearn.tree._classes',
    'DecisionTreeClassifier',
    estimatorState([
      ...params,
      ['n_features_in_', FEATURES],
      ['n_outputs_', 1],
      ['classes_', ndarray([CLASSES], dtype('f8'), float64s([0, 1, 2]))],
      ['n_classes_', scalar(dtype('i8'), int64s([CLASSES]))],
      ['max_features_', 2],
      ['tree_', tree],
    ]),
  );
}

/** make.py's forest(n): `RandomForestClassifier(n_estimators=n).fit(...)`, 4 features, 3 classes. */
export function forest(trees: number): PyValue {
  const template = newEstimator('sklearn.tree._classes', 'DecisionTreeClassifier', estimatorState(TREE_PARAMS));
  const sqrt = intern('sqrt');
  const param = (name: string): PyValue => TREE_PARAMS.find(([k]) => k === name)![1];
  return newEstimator(
    'sklearn.ensemble._forest',
    'RandomForestClassifier',
    estimatorState([
      ['estimator', template],
      ['n_estimators', trees],
      ['estimator_params', tuple(...ESTIMATOR_PARAMS.map(intern))],
      ['bootstrap', true],
      ['oob_score', false],
      ['n_jobs', null],
      ['random_state', 0],
      ['verbose', 0],
      ['warm_start', false],
      ['class_weight', null],
      ['max_samples', null],
      ['criterion', param('criterion')],
      ['max_depth', 12],
      ['min_samples_split', 2],
      ['min_samples_leaf', 1],
      ['min_weight_fraction_leaf', float(0)],
      ['max_features', sqrt],
      ['max_leaf_nodes', null],
      ['min_impurity_decrease', float(0)],
      ['monotonic_cst', null],
      ['ccp_alpha', float(0)],
      ['n_features_in_', FEATURES],
      ['_n_samples', 1500],
      ['n_outputs_', 1],
      ['classes_', ndarray([CLASSES], dtype('i8'), int64s([0, 1, 2]))],
      ['n_classes_', CLASSES],
      ['_sample_weight', null],
      ['_n_samples_bootstrap', 1500],
      ['estimator_', template],
      ['estimators_', new PyList(trees, (i) => fittedTree(i, sqrt))],
    ]),
  );
}
