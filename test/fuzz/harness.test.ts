import { afterAll, describe, expect, it } from 'vitest';
import { ModelgateError } from '../../src/core/errors.js';
import { FORMATS, type FormatEntry } from '../../src/engine/index.js';
import { buildSafetensors } from '../../src/formats/safetensors/builder.js';
import { BUILDER_SEEDS } from '../../scripts/fuzz/builder-seeds.js';
import { ScanHost } from '../../scripts/fuzz/host.js';
import { crashes } from '../../scripts/fuzz/oracle.js';
import { prepareFuzzScan, scanBuffer } from '../../scripts/fuzz/scan.js';

/* The fuzzer's harness sees what it is there to see: untyped errors inside a scan, and hangs. */

const file = buildSafetensors({ tensors: [{ name: 'w', dtype: 'F32', shape: [2] }] });

/** Runs `body` with the registry's safetensors reading replaced by `scan`. */
function withSafetensorsScan(scan: FormatEntry['scan'], body: () => void): void {
  const entry = FORMATS.find((f) => f.id === 'safetensors') as { scan: FormatEntry['scan'] };
  const original = entry.scan;
  entry.scan = scan;
  try {
    body();
  } finally {
    entry.scan = original;
  }
}

describe('fuzz harness', () => {
  it('an untyped error a parser throws is a crash, though the engine made it a fatal finding', async () => {
    await prepareFuzzScan();
    withSafetensorsScan(
      () => {
        const header: number[] = [];
        return String(header[3]!.toFixed());
      },
      () => {
        const outcome = scanBuffer(file, 'model.safetensors');
        expect(outcome.verdict).toBe('error');
        expect(crashes(outcome).map((c) => c.kind)).toEqual(['crash']);
        expect(outcome.rawErrors[0]?.name).toBe('TypeError');
      },
    );
  });

  it('a typed error a parser throws is not', async () => {
    await prepareFuzzScan();
    withSafetensorsScan(
      () => {
        throw new ModelgateError('TRUNCATED', 'header is cut');
      },
      () => {
        const outcome = scanBuffer(file, 'model.safetensors');
        expect(outcome.fatalCodes).toEqual(['TRUNCATED']);
        expect(crashes(outcome)).toEqual([]);
      },
    );
  });

  describe('the watchdog', () => {
    const host = new ScanHost(30_000, false);
    afterAll(() => host.close());
    it('records a scan past its time as a hang, and scans on in a fresh thread', async () => {
      // A pytorch zip with a pickle inside: more than a millisecond of work.
      const [zip] = BUILDER_SEEDS.zip!();
      expect((await host.scan(zip!, 'model.pt', 1)).kind).toBe('hang');
      const next = await host.scan(zip!, 'model.pt');
      expect(next.kind === 'done' && next.outcome.format).toBe('pytorch-zip');
    }, 60_000);
  });
});
