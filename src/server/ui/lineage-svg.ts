import { html } from 'hono/html';
import type { Html } from './layout.js';

/** A box of the lineage picture: a registry version, or a model the registry does not hold. */
export interface GraphNode {
  key: string;
  label: string;
  sub: string;
  /** Generations from the picture's root: negative for ancestors, positive for descendants. */
  depth: number;
  href?: string;
  state?: string;
  root?: boolean;
  external?: boolean;
}

/** An arrow from parent to child: `declared` (a card or config says so) or `verified` (bytes agree). */
export interface GraphEdge {
  from: string;
  to: string;
  relation: string;
  status: string;
}

/** Boxes drawn at most: past this the page's tables carry the rest. */
export const MAX_GRAPH_NODES = 60;
const BOX_W = 210;
const BOX_H = 46;
const COL_GAP = 70;
const ROW_GAP = 16;
const PAD = 12;
const LEGEND_H = 30;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A class name from a state word, or nothing for anything unexpected. */
function stateClass(state: string | undefined): string {
  return state && /^[a-z-]+$/.test(state) ? state : '';
}

/**
 * The lineage picture: generations as columns left (ancestors) to right (descendants), each
 * box a link to its version, each arrow styled by how the edge is known. Drawn on the server
 * as inline SVG, styled by classes from the page's stylesheet (the CSP allows no style
 * attributes), so it needs no script and no request.
 */
export function lineageSvg(allNodes: readonly GraphNode[], allEdges: readonly GraphEdge[], title: string): Html {
  const nodes = allNodes.slice(0, MAX_GRAPH_NODES);
  const keys = new Set(nodes.map((n) => n.key));
  const edges = allEdges.filter((e) => keys.has(e.from) && keys.has(e.to));
  const depths = [...new Set(nodes.map((n) => n.depth))].sort((a, b) => a - b);
  const place = new Map<string, { x: number; y: number }>();
  let rows = 1;
  depths.forEach((depth, column) => {
    const inColumn = nodes.filter((n) => n.depth === depth);
    rows = Math.max(rows, inColumn.length);
    inColumn.forEach((n, row) => place.set(n.key, { x: PAD + column * (BOX_W + COL_GAP), y: PAD + row * (BOX_H + ROW_GAP) }));
  });
  const width = PAD * 2 + Math.max(depths.length, 1) * (BOX_W + COL_GAP) - COL_GAP;
  const height = PAD * 2 + rows * (BOX_H + ROW_GAP) - ROW_GAP + LEGEND_H;
  const arrows = edges.map((e) => {
    const a = place.get(e.from)!;
    const b = place.get(e.to)!;
    const [x1, y1, x2, y2] = [a.x + BOX_W, a.y + BOX_H / 2, b.x - 4, b.y + BOX_H / 2];
    const mid = (x1 + x2) / 2;
    const status = e.status === 'verified' ? 'verified' : 'declared';
    return html`<path class="edge ${status}" d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" marker-end="url(#arrow)"><title>${e.relation} (${status})</title></path>`;
  });
  const boxes = nodes.map((n) => {
    const p = place.get(n.key)!;
    const box = html`<rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="6" /><text x="${p.x + 10}" y="${p.y + 19}">${clip(n.label, 30)}</text><text class="sub" x="${p.x + 10}" y="${p.y + 36}">${clip(n.sub, 34)}</text>`;
    const cls = `node ${stateClass(n.state)}${n.root ? ' root' : ''}${n.external ? ' external' : ''}`;
    return n.href ? html`<a href="${n.href}" class="${cls}">${box}</a>` : html`<g class="${cls}">${box}</g>`;
  });
  const ly = height - LEGEND_H + 12;
  return html`<div class="graph"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${title}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" /></marker></defs>
${arrows}${boxes}
<g class="legend"><path class="edge declared" d="M${PAD},${ly} h36" /><text x="${PAD + 42}" y="${ly + 4}">declared (card, config)</text>
<path class="edge verified" d="M${PAD + 190},${ly} h36" /><text x="${PAD + 232}" y="${ly + 4}">verified (bytes)</text></g>
</svg></div>${allNodes.length > nodes.length ? html`<p class="muted">${allNodes.length - nodes.length} more versions are in the table below, not drawn.</p>` : ''}`;
}
