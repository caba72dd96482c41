import type { AncestorEdge, Impact, VersionSummary } from '../../app/registry/index.js';
import { versionHref } from './layout.js';
import type { GraphEdge, GraphNode } from './lineage-svg.js';

type Known = Pick<VersionSummary, 'id' | 'model_id' | 'state'>;

/** Nodes and edges of a lineage picture, built up one edge at a time. */
class GraphBuilder {
  readonly nodes = new Map<string, GraphNode & { model: string }>();
  readonly edges: GraphEdge[] = [];

  version(v: Known, depth: number, root = false): string {
    if (!this.nodes.has(v.id))
      this.nodes.set(v.id, {
        key: v.id,
        model: v.model_id,
        label: v.model_id,
        sub: `${v.id.slice(0, 8)} · ${v.state}`,
        state: v.state,
        depth,
        href: versionHref(v.id),
        root,
      });
    return v.id;
  }

  /** A parent model declared without a version the registry could match to it by bytes. */
  external(model: string, depth: number): string {
    const key = `model:${model}`;
    if (!this.nodes.has(key)) this.nodes.set(key, { key, model, label: model, sub: 'no version matched', depth, external: true });
    return key;
  }

  /**
   * The node an edge's parent is: its version when known; a version of the named model one
   * generation nearer the root otherwise (an edge naming only the model); else a box of its own.
   */
  parent(edge: { parent_model_id: string; parent_version_id: string | null }, depth: number, known: ReadonlyMap<string, Known>): string {
    if (edge.parent_version_id) {
      if (this.nodes.has(edge.parent_version_id)) return edge.parent_version_id;
      const v = known.get(edge.parent_version_id);
      if (v) return this.version(v, depth);
    }
    for (const n of this.nodes.values()) if (!n.external && n.model === edge.parent_model_id && n.depth === depth) return n.key;
    return this.external(edge.parent_model_id, depth);
  }

  build(): { nodes: GraphNode[]; edges: GraphEdge[] } {
    return { nodes: [...this.nodes.values()], edges: this.edges };
  }
}

function addDescendants(g: GraphBuilder, impact: Impact): void {
  const known = new Map<string, Known>(impact.versions.map((v) => [v.version.id, v.version]));
  for (const v of [...impact.versions].sort((a, b) => a.depth - b.depth)) {
    if (v.depth === 0 || !v.via) continue;
    const parent = g.parent(v.via, v.depth - 1, known);
    const child = g.version(v.version, v.depth);
    g.edges.push({ from: parent, to: child, relation: v.via.relation, status: v.via.status });
  }
}

/** The picture around one version: its ancestors to the left, everything deriving from it to the right. */
export function versionGraph(
  root: Known,
  ancestors: readonly AncestorEdge[],
  known: ReadonlyMap<string, Known>,
  impact: Impact,
): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const g = new GraphBuilder();
  g.version(root, 0, true);
  const depthOf = new Map<string, number>([[root.id, 0]]);
  for (const { edge, depth } of [...ancestors].sort((a, b) => a.depth - b.depth)) {
    const childDepth = depthOf.get(edge.child_version_id) ?? -(depth - 1);
    const parent = g.parent(edge, childDepth - 1, known);
    depthOf.set(parent, childDepth - 1);
    g.edges.push({ from: parent, to: edge.child_version_id, relation: edge.relation, status: edge.status });
  }
  addDescendants(g, impact);
  return g.build();
}

/** The picture of a model's blast radius: its versions as roots, every derived version after them. */
export function modelGraph(impact: Impact): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const g = new GraphBuilder();
  for (const v of impact.versions) if (v.depth === 0) g.version(v.version, 0, true);
  addDescendants(g, impact);
  return g.build();
}
