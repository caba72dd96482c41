import type { Severity } from '../../../core/severity.js';
import type { CodeVerdict } from '../../../formats/hfconfig/model.js';
import type { CodeAction } from '../../../formats/yaml/model.js';
import { graded } from '../../hfconfig/remote-code.js';
import { denyGrade } from '../../pickle/denylist.js';

/**
 * Namespaces of well-known libraries whose classes configs name to build a model: layers,
 * losses, optimisers, schedulers, tokenisers, data transforms, trainers. A class inside them
 * selects installed library code that builds an object, so it is info. Only classes (a
 * capitalised last name, the convention of every one of these libraries): a function inside a
 * trusted package is not trusted because of its prefix (`speechbrain.utils.data_utils.download_file`,
 * `transformers.dynamic_module_utils.get_class_from_dynamic_module`), and the deny-list is
 * checked first, so `torch.jit.load` or `transformers.…os.system` are never let through.
 */
const CLASS_NAMESPACES = [
  'speechbrain',
  'torch.nn',
  'torch.optim',
  'torch.utils.data',
  'torchaudio.transforms',
  'torchaudio.models',
  'torchvision.transforms',
  'torchvision.models',
  'nemo.collections',
  'nemo.core.optim',
  'nemo.core.neural_types',
  'transformers',
  'diffusers',
  'sentence_transformers',
  'timm.models',
  'ldm.models',
  'ldm.modules',
  'sgm.models',
  'sgm.modules',
  'mlflow',
  'pytorch_lightning',
  'lightning.pytorch',
];
/** Modules of pure functions configs pass by name (losses, activations, initialisers, decoders). */
const FUNCTION_MODULES = new Set(['torch.nn.functional', 'torch.nn.init', 'speechbrain.nnet.losses', 'speechbrain.decoders', 'speechbrain.decoders.ctc']);
/** Single callables configs commonly use that only shape data or seed randomness. */
const INERT_CALLABLES = new Set([
  'torch.manual_seed',
  'collections.OrderedDict',
  'builtins.dict',
  'builtins.list',
  'builtins.tuple',
  'builtins.float',
  'builtins.int',
]);

/** True when `path` is inside the allow-list of inert library classes and functions. */
export function isInertCallable(path: string): boolean {
  if (INERT_CALLABLES.has(path)) return true;
  // MLflow's own flavour modules (`mlflow.sklearn`, `mlflow.pyfunc.model`), which MLmodel files
  // name as their loader_module: one module level under mlflow, imported for its _load_pyfunc.
  if (/^mlflow\.[a-z_]+(?:\.model)?$/.test(path)) return true;
  const dot = path.lastIndexOf('.');
  if (dot < 0) return false;
  const module = path.slice(0, dot);
  const name = path.slice(dot + 1);
  if (FUNCTION_MODULES.has(module)) return /^[a-z_][a-z0-9_]*$/.test(name);
  return /^[A-Z]/.test(name) && CLASS_NAMESPACES.some((ns) => module === ns || module.startsWith(`${ns}.`));
}

/** A repo file the reference may import, with the verdict on its code, when it is beside the config. */
export interface LocalCode {
  file: string;
  verdict: CodeVerdict;
}

export interface CallableGrade {
  severity: Severity;
  inert: boolean;
  why: string;
}

const DOES: Record<CodeAction, string> = { call: 'calls', reference: 'resolves', import: 'imports' };

/**
 * Grades a dotted path a config makes a loader import, resolve or call: the pickle deny-list
 * first (its severity when called, high when only imported or resolved: no model config names
 * os.system for a good reason), then a repo module beside the config (graded by its code, as
 * auto_map is), then the allow-list (info), and anything else medium.
 */
export function gradeCallable(path: string, action: CodeAction, local?: LocalCode): CallableGrade {
  const deny = denyGrade(path);
  if (deny) {
    const severity = action === 'call' ? deny.severity : 'high';
    return { severity, inert: false, why: `${path} ${deny.why} (${deny.category}: ${deny.matched})` };
  }
  if (local) {
    const g = graded({ file: local.file }, local.verdict);
    return { severity: g.severity, inert: false, why: `it comes from ${local.file} beside the config; ${g.why}` };
  }
  if (isInertCallable(path)) return { severity: 'info', inert: true, why: 'a well-known library class' };
  return {
    severity: 'medium',
    inert: false,
    why: `${path} is outside the allow-list of well-known library classes: the loader ${DOES[action]} code nothing here vouches for`,
  };
}

/** The repo file a dotted path's first module would be read from (`custom.Encoder` → `custom.py`). */
export function localModuleFile(path: string): string | undefined {
  const first = path.split('.')[0];
  return first && /^[A-Za-z_][A-Za-z0-9_]*$/.test(first) && path.includes('.') ? `${first}.py` : undefined;
}
