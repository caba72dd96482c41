import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/** The official CycloneDX 1.6 JSON schema, as shipped in @cyclonedx/cyclonedx-library (res/schema). */
const SCHEMA_DIR = join(dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
const load = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(SCHEMA_DIR, name), 'utf8'));

let validate: ValidateFunction | undefined;

/** Validates a BOM against bom-1.6 (with the SPDX licence list and JSF schemas it refers to); returns the errors. */
export function cyclonedx16Errors(bom: unknown): string[] {
  if (!validate) {
    // The schemas use annotation keywords (meta:enum) that strict mode would reject.
    const ajv = new Ajv({ strict: false, allErrors: true });
    const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
    addFormats(ajv);
    // bom-1.6 refers to them by their file names, relative to its own $id.
    for (const name of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json'])
      ajv.addSchema({ ...load(name), $id: `http://cyclonedx.org/schema/${name}` });
    validate = ajv.compile(load('bom-1.6.SNAPSHOT.schema.json'));
  }
  return validate(bom) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}
