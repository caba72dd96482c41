import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { openRegistry, type Registry, type RegistryConfig } from '../app/registry/index.js';
import { createApp } from './app.js';

/** A running registry server. */
export interface RunningServer {
  url: string;
  registry: Registry;
  /** Stops taking connections, lets the pipeline's current steps finish, closes the database. */
  close(): Promise<void>;
}

/** Default port: unprivileged, and not one the usual dev servers take. */
export const DEFAULT_PORT = 8719;

/** Opens the registry and serves it on one port (default 127.0.0.1:8719). */
export async function startServer(config: RegistryConfig): Promise<RunningServer> {
  const registry = await openRegistry(config);
  const app = createApp(registry);
  const host = config.host ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port ?? DEFAULT_PORT, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (!config.publicUrl) registry.ctx.config.publicUrl = url;
  return {
    url,
    registry,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections would hold close() open: idle ones go now, busy ones after their answer.
      (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      await closed;
      await registry.close();
    },
  };
}
