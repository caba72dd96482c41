/**
 * Path globs for `scan --exclude`, matched against report paths (`/`-separated), as .gitignore
 * reads them:
 *
 * - `*` is any run of characters but `/`, `?` one character but `/`, `[abc]`, `[a-z]` and
 *   `[!abc]` (or `[^abc]`) one character of a class, `\x` the character x itself;
 * - `**` as a whole segment is any number of segments, none included (`a/**\/b`, `logs/**`);
 * - a glob matches a path when it matches the whole path, or the path from any `/` on (so `*.bin`
 *   and `cache` match at any depth; a leading `/` anchors it at the start); and it matches every
 *   path under a folder it matches (`cache` and `cache/` exclude everything in a folder `cache`).
 */
export class PathGlob {
  private readonly re: RegExp;
  private readonly anchored: boolean;

  constructor(readonly source: string) {
    let pattern = source;
    this.anchored = pattern.startsWith('/');
    if (this.anchored) pattern = pattern.slice(1);
    if (pattern.endsWith('/')) pattern = pattern.slice(0, -1);
    if (pattern === '') throw new Error(`empty glob ${JSON.stringify(source)}`);
    this.re = new RegExp(`^${compile(pattern)}$`, 'u');
  }

  /** True when the glob matches `path`, a suffix of it from a `/` on, or a folder above it. */
  matches(path: string): boolean {
    const segments = path.split('/').filter((s) => s !== '' && s !== '.');
    const starts = this.anchored ? 1 : segments.length;
    for (let i = 0; i < starts; i++) {
      for (let j = i + 1; j <= segments.length; j++) {
        if (this.re.test(segments.slice(i, j).join('/'))) return true;
      }
    }
    return false;
  }
}

/** The regular expression source of a glob (without anchors). */
function compile(glob: string): string {
  const segments = glob.split('/');
  let out = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      // Any number of whole segments: with the following `/`, or to the end.
      out += last ? '.*' : '(?:[^/]*/)*';
      return;
    }
    out += compileSegment(segment) + (last ? '' : '/');
  });
  return out;
}

function compileSegment(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '\\' && i + 1 < segment.length) {
      out += escape(segment[++i]!);
    } else if (c === '*') {
      while (segment[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end === -1) {
        out += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      const cls = [...body].map((ch) => (ch === '-' ? '-' : escape(ch))).join('');
      out += negate ? `[^/${cls}]` : `[${cls}]`;
      i = end;
    } else {
      out += escape(c);
    }
  }
  return out;
}

function escape(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}
