/**
 * Glob patterns of the policy file: `*` matches any run of characters except `/`, `**` any
 * run including `/`, `?` one character except `/`; everything else is literal. The whole
 * string must match. Written here (a few lines) rather than pulled in as a dependency.
 */
export function globToRegExp(pattern: string, options: { ignoreCase?: boolean } = {}): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
      // `**/` also matches no folder at all: `**/x.bin` matches `x.bin`.
      if (pattern[i + 1] === '/') {
        source = source.slice(0, -2) + '(?:.*/)?';
        i++;
      }
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, options.ignoreCase ? 'is' : 's');
}

/** True when `text` matches the glob `pattern` (see globToRegExp). */
export function globMatch(pattern: string, text: string, options: { ignoreCase?: boolean } = {}): boolean {
  return globToRegExp(pattern, options).test(text);
}
