import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScan } from '../../src/app/index.js';
import { pickle } from '../../src/formats/pickle/builder.js';
import { openArtifact } from '../../src/sources/index.js';

/*
 * One read, one truth (issue 15, point 4): the bytes judged are the bytes hashed. A file is
 * opened once; the scan, its SHA-256 and scan workers read that descriptor, never the path
 * again. The observer runs in the middle of a scan, after the pickle was read and before its
 * rules: the moment an attacker swaps the file.
 */

const benign = pickle().proto(4).emptyDict().stop().bytes();
const malicious = pickle().proto(2).global('os', 'system').binunicode('echo pwned').tuple1().reduce().stop().bytes();
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function folderWith(bytes: Buffer): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mg-one-read-'));
  const path = join(dir, 'model.pkl');
  writeFileSync(path, bytes);
  return { dir, path };
}

describe('the hash is of the bytes judged', () => {
  it('a file renamed over the path mid-scan: an error, since the path no longer holds the bytes judged', async () => {
    const { dir, path } = folderWith(benign);
    let swapped = false;
    const result = await runScan({
      targets: [dir],
      observer: {
        pickleStreams() {
          if (swapped) return;
          swapped = true;
          writeFileSync(join(dir, 'next'), malicious);
          renameSync(join(dir, 'next'), path);
        },
      },
    });
    expect(swapped).toBe(true);
    const file = result.files[0]!;
    expect(file.verdict).toBe('error');
    expect(file.sha256).toBeUndefined();
    const changed = file.findings.find((f) => f.ruleId === 'file/changed');
    expect(changed).toMatchObject({ fatal: true, code: 'CHANGED' });
    expect(changed?.message).toContain('replaced at its path');
    // Nothing of the malicious file was judged: the scan read the file it opened.
    expect(file.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
  });

  it('a file left alone is hashed through the descriptor the scan read: the hash is of its bytes', async () => {
    const { dir } = folderWith(benign);
    const result = await runScan({ targets: [dir], workers: 0 });
    expect(result.files[0]).toMatchObject({ verdict: 'clean', sha256: sha256(benign) });
  });

  it('a file written in place mid-scan is an error with no hash', async () => {
    const { dir, path } = folderWith(Buffer.concat([benign, Buffer.alloc(64)]));
    let written = false;
    const result = await runScan({
      targets: [dir],
      observer: {
        pickleStreams() {
          if (written) return;
          written = true;
          writeFileSync(path, malicious);
        },
      },
    });
    expect(written).toBe(true);
    const file = result.files[0]!;
    expect(file.verdict).not.toBe('clean');
    expect(file.sha256).toBeUndefined();
    expect(file.findings.find((f) => f.ruleId === 'file/changed')).toMatchObject({ fatal: true, code: 'CHANGED' });
  });

  it('scanned in a worker thread, the file is read through the same descriptor and hashed once', async () => {
    const { dir } = folderWith(malicious);
    const result = await runScan({ targets: [dir], workers: 1 });
    expect(result.files[0]).toMatchObject({ verdict: 'malicious', sha256: sha256(malicious) });
  });
});

describe('special files are never read', () => {
  it('a FIFO put in place of a walked file after the walk is not opened for reading (no hang)', async () => {
    const { dir, path } = folderWith(benign);
    const artifact = await openArtifact([dir]);
    try {
      unlinkSync(path);
      execFileSync('mkfifo', [path]);
      const result = await runScan({ targets: [dir], artifact, workers: 0 });
      const file = result.files[0]!;
      expect(file.verdict).toBe('error');
      expect(file.findings.map((f) => f.code)).toContain('SPECIAL_FILE');
    } finally {
      await artifact.close();
    }
  });

  it('a symbolic link put in place of a walked file after the walk is not followed', async () => {
    const { dir, path } = folderWith(benign);
    const outside = folderWith(malicious);
    const artifact = await openArtifact([dir]);
    try {
      unlinkSync(path);
      execFileSync('ln', ['-s', outside.path, path]);
      const result = await runScan({ targets: [dir], artifact, workers: 0 });
      expect(result.files[0]!.verdict).toBe('error');
    } finally {
      await artifact.close();
    }
  });
});
