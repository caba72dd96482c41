import { randomUUID } from 'node:crypto';
import type { Finding } from '../../core/finding.js';
import type { ScanResult } from '../../core/report-types.js';
import { ALL_RULES } from '../../detectors/index.js';
import type { SignatureFacts } from '../policy/facts.js';
import { RULE_DOCS_BASE_URI } from '../../report/sarif-rules.js';
import { rootDigest } from '../signing/statement.js';
import { comparePaths } from '../signing/paths.js';
import { TOOL_VERSION } from '../version.js';
import type { CardFacts, ConfigFacts } from './card.js';
import { licenseChoice } from './license.js';

/** Everything a BOM is made from; build is pure so that tests can pin time and serial number. */
export interface BomInput {
  scan: ScanResult;
  /** The model's name, and its organisation for a Hub repo. */
  name: string;
  group?: string;
  /** The Hub commit the files were read at. */
  version?: string;
  purl?: string;
  /** Where the model lives (a Hub URL). */
  url?: string;
  card?: CardFacts;
  config?: ConfigFacts;
  signature?: SignatureFacts;
  timestamp?: string;
  serialNumber?: string;
  /**
   * Parents as a registry knows them (declared, or verified by bytes), instead of the card's
   * `base_model` list: each with the matched version's commit and root digest when there is one.
   */
  lineage?: BomAncestor[];
}

/** One parent of a model version, as the registry's lineage records it. */
export interface BomAncestor {
  repo: string;
  relation: string;
  status: 'declared' | 'verified' | string;
  version?: string;
  rootDigest?: string;
}

type Json = Record<string, unknown>;
const MODEL_REF = 'model';
const RULES = new Map(ALL_RULES.map((r) => [r.id, r]));
const fileRef = (path: string): string => `file:${path}`;
const prop = (name: string, value: string): Json => ({ name, value });

/** `org/name` of a Hub id, or just `name`. */
function splitRepo(id: string): { group?: string; name: string } {
  const i = id.indexOf('/');
  return i < 0 ? { name: id } : { group: id.slice(0, i), name: id.slice(i + 1) };
}

function datasetComponents(card: CardFacts | undefined): Json[] {
  return (card?.datasets ?? []).map((id) => ({
    type: 'data',
    'bom-ref': `dataset:${id}`,
    ...splitRepo(id),
    data: [{ type: 'dataset', name: id }],
    externalReferences: [{ type: 'distribution', url: `https://huggingface.co/datasets/${id}` }],
  }));
}

/** `base_model` entries as ancestors: lineage the BOM reader can follow to other BOMs. */
function ancestors(card: CardFacts | undefined, lineage: readonly BomAncestor[] | undefined): Json[] {
  if (lineage)
    return lineage.map((a) => ({
      type: 'machine-learning-model',
      'bom-ref': `base-model:${a.repo}`,
      ...splitRepo(a.repo),
      ...(a.version ? { version: a.version } : {}),
      purl: `pkg:huggingface/${a.repo}${a.version ? `@${a.version}` : ''}`,
      ...(a.rootDigest ? { hashes: [{ alg: 'SHA-256', content: a.rootDigest }] } : {}),
      properties: [prop('modelgate:relation', a.relation), prop('modelgate:lineage', a.status)],
    }));
  return (card?.baseModels ?? []).map((id) => ({
    type: 'machine-learning-model',
    'bom-ref': `base-model:${id}`,
    ...splitRepo(id),
    purl: `pkg:huggingface/${id}`,
    externalReferences: [{ type: 'website', url: `https://huggingface.co/${id}` }],
  }));
}

function modelCard(input: BomInput): Json {
  const { card, config } = input;
  const params: Json = {};
  if (card?.pipelineTag) params.task = card.pipelineTag;
  if (config?.modelType) params.architectureFamily = config.modelType;
  if (config?.architectures.length) params.modelArchitecture = config.architectures.join(', ');
  if (card?.datasets.length) params.datasets = card.datasets.map((id) => ({ ref: `dataset:${id}` }));
  const out: Json = { 'bom-ref': 'model-card' };
  if (Object.keys(params).length > 0) out.modelParameters = params;
  if (card?.metrics.length) out.quantitativeAnalysis = { performanceMetrics: card.metrics };
  const considerations: Json = {};
  if (card?.uses) considerations.useCases = [card.uses];
  if (card?.limitations) considerations.technicalLimitations = [card.limitations];
  if (Object.keys(considerations).length > 0) out.considerations = considerations;
  const properties = [
    ...(card?.libraryName ? [prop('huggingface:library_name', card.libraryName)] : []),
    ...(card?.tags ?? []).map((t) => prop('huggingface:tag', t)),
    ...(card?.languages ?? []).map((l) => prop('huggingface:language', l)),
    ...(config?.properties ?? []),
  ];
  if (properties.length > 0) out.properties = properties;
  return out;
}

function signatureProperties(sig: SignatureFacts | undefined): Json[] {
  if (!sig?.checked) return [];
  return [
    prop('modelgate:signature:verified', String(sig.verified)),
    ...(sig.verified && sig.identity ? [prop('modelgate:signature:identity', sig.identity), prop('modelgate:signature:issuer', sig.issuer ?? '')] : []),
    ...(sig.verified && sig.keyFingerprint ? [prop('modelgate:signature:keyFingerprint', `sha256:${sig.keyFingerprint}`)] : []),
    ...(sig.verified ? [] : [prop('modelgate:signature:error', sig.error ?? 'did not verify')]),
  ];
}

/** A finding as a CycloneDX vulnerability: the rule id, the rating, CWE numbers and the other references. */
function vulnerability(f: Finding, index: number, affects: string): Json {
  const cwes = (f.references ?? []).flatMap((r) => (/^CWE-(\d+)$/.exec(r) ? [Number(/^CWE-(\d+)$/.exec(r)![1])] : []));
  const others = (f.references ?? []).filter((r) => !/^CWE-\d+$/.test(r));
  const rule = RULES.get(f.ruleId);
  const docs = rule ? new URL(rule.docs, RULE_DOCS_BASE_URI).href : undefined;
  const v: Json = {
    'bom-ref': `finding-${index + 1}`,
    id: f.ruleId,
    source: { name: 'modelgate', ...(docs ? { url: docs } : {}) },
    ratings: [{ source: { name: 'modelgate' }, severity: f.severity, method: 'other' }],
    description: f.message,
    affects: [{ ref: affects }],
    properties: [prop('modelgate:target', f.target), ...(f.code ? [prop('modelgate:code', f.code)] : [])],
  };
  if (f.evidence) v.detail = f.evidence;
  if (cwes.length) v.cwes = cwes;
  if (others.length) v.references = others.map((id) => ({ id, source: { name: id.startsWith('MITRE ATLAS') ? 'MITRE ATLAS' : 'modelgate' } }));
  return v;
}

/**
 * The CycloneDX 1.6 ML-BOM of a scanned model: the model (metadata.component, type
 * machine-learning-model) with its purl, hash, licence, model card and lineage; every file as
 * a component with its SHA-256; datasets as data components; findings as vulnerabilities.
 */
export function buildBom(input: BomInput): Json {
  const files = [...input.scan.files].sort((a, b) => comparePaths(a.path, b.path));
  const fileComponents = files.map((f) => ({
    type: 'file',
    'bom-ref': fileRef(f.path),
    name: f.path,
    ...(f.sha256 ? { hashes: [{ alg: 'SHA-256', content: f.sha256 }] } : {}),
    properties: [
      prop('modelgate:format', f.format),
      prop('modelgate:verdict', f.verdict),
      prop('modelgate:size', String(f.size)),
      ...(f.sha256Source ? [prop('modelgate:sha256Source', f.sha256Source)] : []),
    ],
  }));
  const hashed = files.filter((f) => f.sha256);
  const model: Json = {
    type: 'machine-learning-model',
    'bom-ref': MODEL_REF,
    ...(input.group ? { group: input.group } : {}),
    name: input.name,
    ...(input.version ? { version: input.version } : {}),
    ...(input.purl ? { purl: input.purl } : {}),
  };
  // The model's hash: the OpenSSF model-signing subject digest over every file's SHA-256 (when all are known).
  if (hashed.length === files.length && files.length > 0)
    model.hashes = [{ alg: 'SHA-256', content: rootDigest(hashed.map((f) => ({ name: f.path, algorithm: 'sha256', digest: f.sha256! }))) }];
  const licenses = licenseChoice(input.card?.license, input.card?.licenseName);
  if (licenses.length) model.licenses = licenses;
  model.modelCard = modelCard(input);
  const lineage = ancestors(input.card, input.lineage);
  if (lineage.length) model.pedigree = { ancestors: lineage };
  if (input.url) model.externalReferences = [{ type: 'website', url: input.url }];
  const props = [
    ...signatureProperties(input.signature),
    ...(model.hashes ? [prop('modelgate:hash', 'SHA-256 over the files’ SHA-256 digests in path order (OpenSSF model signing subject digest)')] : []),
  ];
  if (props.length) model.properties = props;
  const datasets = datasetComponents(input.card);
  // `info` findings describe (a header summary, the Hub's own scan), they are not weaknesses.
  const vulns = [
    ...input.scan.findings.map((f) => ({ f, ref: MODEL_REF })),
    ...files.flatMap((file) => file.findings.map((f) => ({ f, ref: fileRef(file.path) }))),
  ]
    .filter(({ f }) => f.severity !== 'info')
    .map(({ f, ref }, i) => vulnerability(f, i, ref));
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: input.serialNumber ?? `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: input.timestamp ?? new Date().toISOString(),
      tools: { components: [{ type: 'application', name: 'modelgate', version: TOOL_VERSION }] },
      component: model,
    },
    components: [...fileComponents, ...datasets],
    dependencies: [{ ref: MODEL_REF, dependsOn: [...fileComponents, ...datasets].map((c) => c['bom-ref'] as string) }],
    ...(vulns.length ? { vulnerabilities: vulns } : {}),
  };
}
