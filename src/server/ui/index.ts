import type { Hono } from 'hono';
import type { Registry } from '../../app/registry/index.js';
import type { ServerEnv } from '../context.js';

/** The web UI at `/`: server-rendered pages over the same app layer as the API. */
export function mountUi(app: Hono<ServerEnv>, registry: Registry): void {
  void app;
  void registry;
}
