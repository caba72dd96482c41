import type { Severity } from '../../core/severity.js';

/** Which Hugging Face file a JSON document is, told from its keys. */
export type HfConfigKind = 'hf-config' | 'hf-tokenizer-config' | 'hf-processor-config' | 'hf-generation-config' | 'hf-chat-template';

/** One class a config names for `trust_remote_code` loading. */
export interface RemoteCodeUse {
  /** Where the reference is: `auto_map.AutoModel`, `auto_map.AutoTokenizer[1]`, `custom_pipelines.x.impl`. */
  where: string;
  /** The reference as written: `modeling_x.XModel`, `org/repo--modeling_x.XModel`. */
  reference: string;
  className: string;
}

/** A Python module loading would import, with the classes taken from it. */
export interface RemoteModule {
  /** Dotted module path (`modeling_tiny`). */
  module: string;
  /** The file it is read from: `modeling_tiny.py`, or `sub/mod.py` for a dotted path. */
  file: string;
  /** Another repo the code is fetched from (`repo--module.Class`), if any. */
  repo?: string;
  uses: RemoteCodeUse[];
}

/** A chat template found in a config: its text, or why it is not a string. */
export interface ConfigTemplate {
  where: string;
  text?: string;
  problem?: string;
}

/** What a Hugging Face config asks of a loader, read from the parsed JSON. */
export interface HfConfig {
  kind: HfConfigKind;
  modules: RemoteModule[];
  /** Entries of auto_map / custom_pipelines that name no module and class. */
  invalidReferences: Array<{ where: string; value: string }>;
  templates: ConfigTemplate[];
}

/** The worst finding of a scanned module, as the config's finding cites it. */
export interface CodeFinding {
  ruleId: string;
  severity: Severity;
  message: string;
}

/** What became of the module's code when the config was scanned. */
/** A shell command or process a remote module starts, as shellUses reads it. */
export interface CodeCommand {
  /** The command text (`…` for run-time parts) and what runs it (`os.system`, `subprocess.run`…). */
  text: string;
  via: string;
  /** `line 3, column 1`. */
  where: string;
  /** True outside any function: the command runs as soon as the module is imported. */
  onImport: boolean;
}

export type CodeVerdict =
  | { status: 'scanned'; worst?: CodeFinding; stoppedEarly?: string; commands?: CodeCommand[] }
  | { status: 'absent' | 'other-repo' | 'unreadable'; reason: string };

/** A config with the verdict on each module it loads: the model the hfconfig rules check. */
export interface HfConfigScan extends HfConfig {
  code: Map<RemoteModule, CodeVerdict>;
  /** Byte offsets of the `auto_map` and `custom_pipelines` keys in the file, when found. */
  keyOffsets: Partial<Record<'auto_map' | 'custom_pipelines', number>>;
}

/** One dotted path a library other than transformers reads from a config and imports or calls. */
export interface LibraryCodeRef {
  /** JSON path of the value: `modules.json[1].type`, `unet`, `auto_mapping.parent_library`. */
  where: string;
  /** The loader and the file convention: `sentence-transformers modules.json`. */
  loader: string;
  /** What the loader does with the class or function it selects. */
  action: 'call' | 'import';
  /** The dotted path: `modeling_x.CustomModule`, `my_unet.UNet`, `os.system`. */
  callable: string;
  /** Namespaces the library itself loads without trust_remote_code (its own classes, torch.*). */
  trusted: readonly string[];
  /** The repo file the loader would read the code from (`custom_st.py`, `unet/my_unet.py`). */
  file?: string;
}
