/**
 * The HTTP thread of the Hub client, as source text (like the hash pool's) so it runs the same
 * from compiled code and from TypeScript under test. Every request to the Hub goes through it:
 * the async API calls, the synchronous range reads the engine makes while it parses (the
 * calling thread blocks on Atomics.wait), and downloads streamed to disk. One place therefore
 * holds the rules for redirects, retries and rate limits:
 * - Redirects are followed by hand, at most 10. Each hop is reported to the caller, which is how
 *   renamed repos are seen (the Hub answers 307 with a relative Location). The Authorization
 *   header never leaves the origin it was meant for: LFS downloads redirect to a CDN.
 * - 429 waits as the Hub's RateLimit header says (IETF draft-ietf-httpapi-ratelimit-headers-09,
 *   '"api";r=0;t=55': t is the seconds left in the window; see https://huggingface.co/docs/hub/rate-limits),
 *   else Retry-After; a wait longer than maxWaitMs fails at once with what the headers said.
 * - 5xx and broken connections retry with exponential backoff; a download resumes with a Range
 *   request from the bytes already on disk (the `.incomplete` file), as huggingface_hub does.
 */
export const HTTP_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const { maxRetries, backoffMs, maxWaitMs, syncPort, flag } = workerData;
const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function headersOf(res) {
  const out = {};
  res.headers.forEach((v, k) => { out[k] = v; });
  return out;
}

/** Seconds to wait from a 429's headers, or undefined. */
function rateLimitWait(h) {
  const rl = h['ratelimit'];
  const t = rl && /(?:^|;)\\s*t=(\\d+)/.exec(rl);
  if (t) return Number(t[1]);
  const ra = h['retry-after'];
  if (ra && /^\\d+$/.test(ra.trim())) return Number(ra.trim());
  if (ra) { const at = Date.parse(ra); if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - Date.now()) / 1000)); }
  return undefined;
}

function fail(code, message, extra) {
  const e = new Error(message);
  e.code = code;
  Object.assign(e, extra || {});
  return e;
}

/** One request, redirects followed by hand; returns the final Response and the hops. */
async function fetchFollowing(url, init) {
  const redirects = [];
  let headers = { ...init.headers };
  const origin = new URL(url).origin;
  for (let hop = 0; ; hop++) {
    const res = await fetch(url, { method: init.method, headers, body: init.body, redirect: 'manual' });
    if (res.status < 300 || res.status > 399 || !res.headers.get('location')) return { res, redirects, url };
    if (hop >= 10) throw fail('NETWORK', 'more than 10 redirects from ' + url);
    await res.arrayBuffer().catch(() => undefined);
    const next = new URL(res.headers.get('location'), url).href;
    redirects.push({ status: res.status, from: url, to: next, headers: headersOf(res) });
    if (new URL(next).origin !== origin) {
      headers = { ...headers };
      delete headers.authorization;
      delete headers.Authorization;
    }
    url = next;
  }
}

/** Runs attempt() with the retry rules; attempt returns a Response-like result or throws. */
async function withRetries(what, attempt) {
  const waits = [];
  for (let i = 0; ; i++) {
    let out;
    try {
      out = await attempt(i);
    } catch (e) {
      if (e.code && e.code !== 'NETWORK') throw e;
      if (i >= maxRetries) throw fail('NETWORK', what + ': ' + (e.cause && e.cause.message || e.message), { waits });
      const ms = backoffMs * 2 ** i;
      waits.push({ reason: 'network: ' + e.message, ms });
      await sleep(ms);
      continue;
    }
    const { res } = out;
    if (!RETRY_STATUS.has(res.status)) return { ...out, waits };
    const h = headersOf(res);
    await res.arrayBuffer().catch(() => undefined);
    if (i >= maxRetries) {
      if (res.status === 429) throw fail('HUB_RATE_LIMIT', what + ': still rate-limited after ' + (i + 1) + ' tries' + describeLimit(h), { waits });
      throw fail('NETWORK', what + ': HTTP ' + res.status + ' after ' + (i + 1) + ' tries', { waits });
    }
    let ms = backoffMs * 2 ** i;
    if (res.status === 429) {
      const s = rateLimitWait(h);
      if (s !== undefined) ms = s * 1000;
      if (ms > maxWaitMs) throw fail('HUB_RATE_LIMIT', what + ': rate-limited' + describeLimit(h) + '; that is longer than the ' + maxWaitMs / 1000 + ' s modelgate waits', { waits });
    }
    waits.push({ reason: 'HTTP ' + res.status, ms, ratelimit: h['ratelimit'], policy: h['ratelimit-policy'] });
    await sleep(ms);
  }
}

function describeLimit(h) {
  const rl = h['ratelimit'] || '';
  const r = /(?:^|;)\\s*r=(\\d+)/.exec(rl);
  const t = /(?:^|;)\\s*t=(\\d+)/.exec(rl);
  const q = /(?:^|;)\\s*q=(\\d+)/.exec(h['ratelimit-policy'] || '');
  const w = /(?:^|;)\\s*w=(\\d+)/.exec(h['ratelimit-policy'] || '');
  if (!t && !h['retry-after']) return '';
  const parts = [];
  if (t) parts.push('retry after ' + t[1] + ' s');
  else parts.push('Retry-After ' + h['retry-after']);
  if (r && q && w) parts.push(r[1] + '/' + q[1] + ' requests left in the ' + w[1] + ' s window');
  return ' (' + parts.join(', ') + ')';
}

async function request(m) {
  const headers = { ...m.headers };
  if (m.range) headers.range = 'bytes=' + m.range[0] + '-' + m.range[1];
  const out = await withRetries(m.method + ' ' + m.url, () => fetchFollowing(m.url, { method: m.method, headers, body: m.body }));
  const { res } = out;
  let body;
  if (m.method !== 'HEAD') {
    const len = Number(res.headers.get('content-length'));
    if (len > m.maxBody) throw fail('NETWORK', m.url + ': a ' + len + '-byte answer is over the ' + m.maxBody + '-byte limit');
    const chunks = [];
    let total = 0;
    for await (const chunk of res.body || []) {
      total += chunk.length;
      if (total > m.maxBody) throw fail('NETWORK', m.url + ': answer over the ' + m.maxBody + '-byte limit');
      chunks.push(chunk);
    }
    const buf = Buffer.concat(chunks);
    body = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
  }
  return { status: res.status, headers: headersOf(res), url: out.url, redirects: out.redirects, waits: out.waits, body };
}

function hashPrefix(path, hashes) {
  let fd;
  try { fd = fs.openSync(path, 'r'); } catch { return 0; }
  const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
  let pos = 0;
  for (;;) {
    const n = fs.readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    for (const h of hashes) h.update(buf.subarray(0, n));
    pos += n;
  }
  fs.closeSync(fd);
  return pos;
}

async function download(m) {
  const sha256 = createHash('sha256');
  // The git blob id hashes a header before the bytes; it needs the size up front. Only files
  // outside LFS are checked by it, so LFS downloads skip the second hash.
  const sha1 = m.gitBlob && m.expectedSize !== undefined ? createHash('sha1') : undefined;
  if (sha1) sha1.update('blob ' + m.expectedSize + '\\0');
  const hashes = sha1 ? [sha256, sha1] : [sha256];
  let lastProgress = 0;
  if (m.expectedSize !== undefined && fs.existsSync(m.dest) && fs.statSync(m.dest).size > m.expectedSize) fs.truncateSync(m.dest, 0);
  let have = hashPrefix(m.dest, hashes);
  let resumed = have > 0 ? [have] : [];
  const out = await withRetries('GET ' + m.url, async () => {
    if (m.expectedSize !== undefined && have === m.expectedSize) return { res: { status: 206, headers: new Headers() }, redirects: [], url: m.url, complete: true };
    const headers = { ...m.headers };
    if (have > 0) headers.range = 'bytes=' + have + '-';
    const got = await fetchFollowing(m.url, { method: 'GET', headers });
    const res = got.res;
    if (RETRY_STATUS.has(res.status) || res.status >= 400) return got;
    if (have > 0 && res.status === 200) {
      // The server ignored the range: start over.
      fs.truncateSync(m.dest, 0);
      have = 0;
      throw fail('RESTART', 'restart');
    }
    const fd = fs.openSync(m.dest, 'a');
    try {
      for await (const chunk of res.body || []) {
        fs.writeSync(fd, chunk);
        for (const h of hashes) h.update(chunk);
        have += chunk.length;
        const now = Date.now();
        if (now - lastProgress >= 100) {
          lastProgress = now;
          parentPort.postMessage({ id: m.id, progress: have });
        }
      }
    } catch (e) {
      resumed.push(have);
      throw fail('NETWORK', 'connection broken after ' + have + ' bytes: ' + e.message);
    } finally {
      fs.closeSync(fd);
    }
    if (m.expectedSize !== undefined && have < m.expectedSize) {
      resumed.push(have);
      throw fail('NETWORK', 'connection ended after ' + have + ' of ' + m.expectedSize + ' bytes');
    }
    return { ...got, complete: true };
  }).catch((e) => {
    if (e.code === 'RESTART') return download(m);
    throw e;
  });
  if (out.sha256) return out;
  if (!out.complete) return { status: out.res.status, headers: headersOf(out.res), url: out.url, redirects: out.redirects, waits: out.waits };
  parentPort.postMessage({ id: m.id, progress: have });
  return { status: 200, url: out.url, redirects: out.redirects, waits: out.waits, resumedFrom: resumed, size: have, sha256: sha256.digest('hex'), gitSha1: sha1 ? sha1.digest('hex') : undefined };
}

async function handle(m) {
  try {
    return { id: m.id, ok: m.kind === 'download' ? await download(m) : await request(m) };
  } catch (e) {
    return { id: m.id, error: { code: e.code || 'NETWORK', message: String(e.message || e), waits: e.waits } };
  }
}

// A synchronous line: answers go back on the port, then the flag wakes the blocked caller.
function serveLine(port, lineFlag) {
  port.on('message', (m) => {
    handle(m).then((r) => {
      port.postMessage(r);
      Atomics.store(lineFlag, 0, m.id);
      Atomics.notify(lineFlag, 0);
    });
  });
}

parentPort.on('message', (m) => {
  if (m.kind === 'attach') serveLine(m.port, m.flag);
  else handle(m).then((r) => parentPort.postMessage(r));
});
serveLine(syncPort, flag);
`;
