import type { Context } from 'hono';
import type { Principal, Registry } from '../app/registry/index.js';

/** What every request handler has: the registry, and who is calling (set by the auth middleware). */
export interface ServerEnv {
  Variables: {
    registry: Registry;
    principal: Principal;
  };
}

export type Ctx = Context<ServerEnv>;
