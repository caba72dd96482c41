import { deploymentsAt, deploymentsHolding, getModel, impactOf, listModels, undeploy } from '../../app/registry/index.js';
import { ModelgateError } from '../../core/errors.js';
import type { Ctx } from '../context.js';
import { route, type Route } from '../route.js';

const ctxOf = (c: Ctx) => c.get('registry').ctx;

export const INVENTORY_ROUTES: Route[] = [
  route({
    method: 'get',
    path: '/api/models',
    summary: 'The inventory: models (search by id) with their versions',
    roles: 'any',
    tag: 'inventory',
    query: { q: 'part of the model id', limit: 'at most this many models (default 100)' },
    async handle(c) {
      return c.json(await listModels(ctxOf(c), c.req.query('q') ?? '', Number(c.req.query('limit') ?? 100)));
    },
  }),
  route({
    method: 'get',
    path: '/api/models/{org}/{name}',
    summary: 'One model with its versions',
    roles: 'any',
    tag: 'inventory',
    async handle(c) {
      return c.json(await getModel(ctxOf(c), `${c.req.param('org')}/${c.req.param('name')}`));
    },
  }),
  route({
    method: 'get',
    path: '/api/impact',
    summary: 'Blast radius: every version deriving (transitively) from a model or version, with live deployments and owners',
    roles: 'any',
    tag: 'lineage',
    query: { model: 'a model id', version: 'a version id' },
    async handle(c) {
      const model = c.req.query('model');
      const version = c.req.query('version');
      if (!model && !version) throw new ModelgateError('USAGE', 'give ?model= or ?version=');
      return c.json(await impactOf(ctxOf(c), { model, version }));
    },
  }),
  route({
    method: 'get',
    path: '/api/deployments',
    summary: 'Deployments holding a file (?sha256=), or live at a moment (?at=ISO date)',
    roles: 'any',
    tag: 'deployments',
    query: { sha256: "a file's SHA-256", at: 'an ISO-8601 date or time' },
    async handle(c) {
      const sha = c.req.query('sha256');
      if (sha !== undefined) {
        if (!/^[0-9a-fA-F]{64}$/.test(sha)) throw new ModelgateError('USAGE', 'sha256 is 64 hex digits');
        return c.json(await deploymentsHolding(ctxOf(c), sha));
      }
      return c.json(await deploymentsAt(ctxOf(c), c.req.query('at') ?? new Date().toISOString()));
    },
  }),
  route({
    method: 'delete',
    path: '/api/deployments/{id}',
    summary: 'Record that a deployment was taken down (kept for history)',
    roles: ['submitter', 'approver'],
    tag: 'deployments',
    async handle(c) {
      return c.json(await undeploy(ctxOf(c), c.get('principal'), c.req.param('id') ?? ''));
    },
  }),
];
