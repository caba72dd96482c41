import { z } from 'zod';
import { TOOL_VERSION } from '../app/index.js';
import type { Route } from './route.js';

/** The error body every failed API call answers with. */
const ERROR = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
};

function parameters(route: Route): unknown[] {
  const path = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const query = Object.entries(route.query ?? {}).map(([name, description]) => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: { type: 'string' },
  }));
  return [...path, ...query];
}

function operation(route: Route): Record<string, unknown> {
  const op: Record<string, unknown> = {
    summary: route.summary,
    tags: [route.tag],
    operationId: `${route.method}${route.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
    parameters: parameters(route),
    security: route.roles === 'public' ? [] : [{ bearer: [] }],
    'x-roles': route.roles === 'public' || route.roles === 'any' ? route.roles : [...route.roles, 'admin'],
    responses: {
      '200': { description: 'OK', content: { [route.produces ?? 'application/json']: {} } },
      default: { description: 'An error', content: { 'application/json': { schema: ERROR } } },
    },
  };
  if (route.body) op.requestBody = { required: true, content: { 'application/json': { schema: z.toJSONSchema(route.body, { io: 'input' }) } } };
  if (route.raw) op.requestBody = { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } };
  return op;
}

/** The OpenAPI 3.1 document of the API, built from the same route table as the router. */
export function openApiDocument(routes: readonly Route[], extra: Record<string, Record<string, unknown>> = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'modelgate registry',
      version: TOOL_VERSION,
      description: 'The airlock: submissions, scans, four-eyes review and approval, signed evidence, inventory, lineage, revocation, audit.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A registry token (`mg_…`)' } } },
    paths: { ...paths, ...extra },
  };
}
