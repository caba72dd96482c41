import type { Hono } from 'hono';
import type { Registry } from '../../app/registry/index.js';
import type { ServerEnv } from '../context.js';

/** The Hugging Face-compatible endpoint under `/hf`: approved, commit-pinned versions only. */
export function mountHf(app: Hono<ServerEnv>, registry: Registry): void {
  void app;
  void registry;
}
