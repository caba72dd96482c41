/**
 * What a file's name alone says about how loaders read it, apart from the readers themselves:
 * the kernel asks this of every file it scans (text.ts, readAsNamed), and loads the text
 * readers (Python, Jinja, YAML, JSON: about 250 modules) only for a file whose name calls for
 * one of them.
 */

/** Modules Lib/site.py imports at start-up when they are on sys.path. */
const STARTUP_MODULES = new Set(['sitecustomize.py', 'usercustomize.py']);

/** A start-up role the file's name gives it: a `.pth` file, or a site customisation module. */
export function startupRole(name: string): 'pth' | 'module' | undefined {
  if (name.endsWith('.pth')) return 'pth';
  return STARTUP_MODULES.has(name) ? 'module' : undefined;
}

/** Script names a shell runs: POSIX shells, PowerShell, cmd. */
const SCRIPT_NAME = /\.(?:sh|bash|zsh|ksh|dash|command|ps1|bat|cmd)$/i;
/** `#!/bin/sh`, `#!/usr/bin/env bash`, `#!/bin/busybox sh`… */
const SHEBANG = /^#![ \t]*\S*\/(?:env[ \t]+(?:-\S+[ \t]+)*)?(?:busybox[ \t]+)?(?:ba|z|da|k|a|c|tc)?sh\b/;

/** Whether a text file is a shell script: by its `#!` line, or by the name a shell would be handed. */
export function isShellScript(head: string, name: string): boolean {
  return SHEBANG.test(head) || SCRIPT_NAME.test(name);
}

/**
 * Names that say Jinja: transformers' `*.jinja` chat templates (`chat_template.jinja`,
 * `additional_chat_templates/*.jinja`) and Jinja's own suffixes. Other template files
 * (`*.template`, `*.tmpl`: Go templates too) are judged by their markup, quietly.
 */
export const TEMPLATE_NAME = /\.(?:jinja2?|j2)$/;

/** How loaders read a file by its name alone: modules remote code imports, chat templates, configs. */
export function namedText(name: string): 'python' | 'jinja' | 'json' | 'yaml' | 'pth' | 'shell' | undefined {
  if (name.endsWith('.py')) return 'python';
  if (/\.ya?ml$/.test(name) || name === 'MLmodel') return 'yaml';
  if (TEMPLATE_NAME.test(name)) return 'jinja';
  if (startupRole(name) === 'pth') return 'pth';
  if (isShellScript('', name)) return 'shell';
  if (name.endsWith('.json')) return 'json';
  return undefined;
}
