import { describe, expect, it } from 'vitest';
import { scanKerasArchive, scanKerasConfigDocument } from '../../../src/engine/handlers/keras.js';
import { OS_SYSTEM_LAMBDA, k3, k3Layer, k3Sequential, lambdaText, k3Lambda } from '../../../src/formats/keras/builder.js';
import { context, fixture, kerasMembers, summary } from './helpers.js';

const archive = (name: string) => {
  const members = kerasMembers(fixture(name));
  return { config: members.get('config.json'), metadata: members.get('metadata.json') };
};
const json = (doc: unknown) => Buffer.from(JSON.stringify(doc));

describe('scanKerasArchive', () => {
  it.each([
    ['keras3_dense.keras', []],
    ['keras3_lambda.keras', ['keras/lambda-layer high']],
    ['keras3_lambda_os.keras', ['keras/lambda-layer critical']],
  ])('judges the config of %s', (name, expected) => {
    const { ctx, findings } = context(name);
    scanKerasArchive(archive(name), ctx);
    expect(summary(findings)).toEqual(expected);
    for (const f of findings) expect(f.target).toBe(`${name}!/config.json`);
  });

  it('shows the code names of the swapped-in lambda', () => {
    const { ctx, findings } = context('m.keras');
    scanKerasArchive(archive('keras3_lambda_os.keras'), ctx);
    expect(findings[0]!.evidence).toContain('names=[__import__, system] strings=["os", "echo modelgate-fixture"]');
    expect(findings[0]!.message).toContain('Lambda layer "double"');
  });

  it('reports the safe_mode bypass (CVE-2025-1550) in config.json', () => {
    const config = k3Sequential([k3Layer('Dense', 'dense', { units: 1, activation: k3('function', 'eval', 'builtins') })]);
    const { ctx, findings } = context('bypass.keras');
    scanKerasArchive({ config: json(config) }, ctx);
    expect(summary(findings)).toEqual(['keras/foreign-module critical']);
  });

  it('accepts Python JSON (NaN) and a UTF-16 config', () => {
    const text = JSON.stringify(k3Sequential([k3Lambda('l', lambdaText(OS_SYSTEM_LAMBDA))])).replace('"trainable":true', '"trainable":true,"clip":NaN');
    const { ctx, findings } = context('nan.keras');
    scanKerasArchive({ config: Buffer.from(text, 'utf16le') }, ctx);
    expect(summary(findings)).toEqual(['keras/lambda-layer critical']);
  });

  it('is an error without config.json', () => {
    const { ctx, findings } = context('empty.keras');
    scanKerasArchive({ metadata: json({ keras_version: '3.3.3' }) }, ctx);
    expect(summary(findings)).toEqual(['container/malformed low fatal MALFORMED']);
    expect(findings[0]!.target).toBe('empty.keras!/config.json');
  });

  it('reports a broken metadata.json on that member and still judges the config', () => {
    const { ctx, findings } = context('m.keras');
    scanKerasArchive({ config: json(k3Sequential([k3Lambda('l', lambdaText(OS_SYSTEM_LAMBDA))])), metadata: Buffer.from('{') }, ctx);
    expect(summary(findings)).toEqual(['container/malformed low fatal TRUNCATED', 'keras/lambda-layer critical']);
    expect(findings[0]!.target).toBe('m.keras!/metadata.json');
  });
});

describe('scanKerasConfigDocument', () => {
  it('judges a config saved on its own', () => {
    const { ctx, findings } = context('model.json');
    scanKerasConfigDocument(k3Sequential([k3Layer('TFSMLayer', 't', { filepath: 'https://example.com/m' })]), ctx);
    expect(summary(findings)).toEqual(['keras/external-model high']);
  });
});
