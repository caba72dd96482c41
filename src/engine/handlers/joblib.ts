import { JoblibArrayReader } from '../../formats/joblib/arrays.js';
import type { ScanContext } from '../context.js';

/** The joblib array hook of a scan (src/formats/joblib/arrays.ts), under the scan's limits. */
export class JoblibArrays extends JoblibArrayReader {
  constructor(ctx: ScanContext) {
    super(ctx.limits);
  }
}
