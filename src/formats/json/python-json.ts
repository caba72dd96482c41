/**
 * JSON as Python's `json` module reads it (Lib/json/decoder.py, `parse_constant`): besides
 * standard JSON it accepts the bare constants `NaN`, `Infinity` and `-Infinity`. Hugging Face
 * loaders read configs, tokenizer configs and chat_template.json with `json.load`, so a file
 * that only Python can parse is still a config to them, and must be one here: a chat template
 * or an auto_map in a file with a NaN in it is read, not named "text" and left clean.
 */

const CONSTANTS: ReadonlyArray<[string, string]> = [
  ['-Infinity', 'null'],
  ['Infinity', 'null'],
  ['NaN', 'null'],
];

/**
 * The JSON document in `text` as Python's json.loads reads it (its NaN and infinities become
 * null: a number nobody here computes with), or undefined when Python could not read it either.
 */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Fall through: only the constants Python adds are worth a second try.
  }
  if (!/NaN|Infinity/.test(text)) return undefined;
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length;) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === '"') inString = false;
      i++;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      i++;
      continue;
    }
    const constant = CONSTANTS.find(([word]) => text.startsWith(word, i));
    if (constant) {
      out += constant[1];
      i += constant[0].length;
      continue;
    }
    out += c;
    i++;
  }
  try {
    return JSON.parse(out) as unknown;
  } catch {
    return undefined;
  }
}
