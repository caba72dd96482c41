/** The registry's HTTP face: the API, its OpenAPI document, and the server that runs them. */
export { createApp, API_ROUTES, bearer } from './app.js';
export { startServer, DEFAULT_PORT, type RunningServer } from './serve.js';
