import { staticString } from '../../formats/python/evaluate.js';
import { walkFlow } from '../../formats/python/flow.js';
import type { Call, Expr, PythonModule } from '../../formats/python/model.js';
import { calleePath, resolve } from '../../formats/python/resolve.js';
import type { Rule } from '../types.js';
import { isNetworkCall, pathMatcher } from './names.js';
import { pathText } from './paths.js';
import { place, snippet } from './report.js';

/** Files and folders that hold other services' credentials, as path segments or suffixes. */
const CREDENTIAL_PATHS: Array<[RegExp, string]> = [
  [/(?:^|[/\\])\.ssh(?:[/\\]|$)|(?:^|[/\\])id_(?:rsa|dsa|ecdsa|ed25519)(?:\.pub)?$/, 'SSH keys'],
  [/(?:^|[/\\])\.aws(?:[/\\]|$)/, 'AWS credentials'],
  [/(?:^|[/\\])\.netrc$/, '.netrc'],
  [/(?:^|[/\\])\.git-credentials$/, 'git credentials'],
  [/(?:^|[/\\])\.docker[/\\]config\.json$/, 'Docker credentials'],
  [/(?:^|[/\\])\.kube(?:[/\\]|$)/, 'Kubernetes config'],
  [/(?:^|[/\\])(?:\.config[/\\])?gcloud(?:[/\\]|$)/, 'Google Cloud credentials'],
  [/(?:^|[/\\])\.azure(?:[/\\]|$)/, 'Azure credentials'],
  [/(?:^|[/\\])\.(?:pypirc|npmrc)$/, 'package registry tokens'],
  [/(?:^|[/\\])\.gnupg(?:[/\\]|$)/, 'GnuPG keys'],
  [/^\/etc\/(?:shadow|passwd)$/, 'system accounts'],
  [/(?:^|[/\\])\.(?:bash|zsh)_history$/, 'shell history'],
  // huggingface_hub keeps the login token in $HF_HOME/token (~/.cache/huggingface/token), older versions in ~/.huggingface/token.
  [/(?:^|[/\\])(?:\.cache[/\\])?\.?huggingface[/\\](?:token|stored_tokens)$/, 'the Hugging Face token'],
  [/(?:^|[/\\])application_default_credentials\.json$/, 'Google Cloud credentials'],
];

/** Calls and constants that hand over a stored credential. */
const CREDENTIAL_SOURCES: Array<[(path: string | undefined) => boolean, string]> = [
  [
    pathMatcher([
      'huggingface_hub.get_token',
      'huggingface_hub.utils.get_token',
      'huggingface_hub.utils._auth.get_token',
      'huggingface_hub.HfFolder.get_token',
      'huggingface_hub.HfFolder().get_token',
      'huggingface_hub.utils.HfFolder.get_token',
      'huggingface_hub.get_stored_tokens',
      'huggingface_hub.constants.HF_TOKEN_PATH',
      'huggingface_hub.constants.HF_STORED_TOKENS_PATH',
    ]),
    'the Hugging Face token',
  ],
  [
    pathMatcher([
      'boto3.Session().get_credentials',
      'boto3.session.Session().get_credentials',
      'botocore.session.get_session().get_credentials',
      'botocore.session.Session().get_credentials',
    ]),
    'AWS credentials',
  ],
  [pathMatcher(['google.auth.default']), 'Google Cloud credentials'],
  [pathMatcher(['netrc.netrc']), '.netrc'],
  [pathMatcher(['keyring.get_password', 'keyring.get_credential']), 'the system keyring'],
  [pathMatcher(['browser_cookie3.*', 'browsercookie.*']), 'browser cookies'],
];

/** Environment variables that hold secrets, by name. */
const SECRET_NAME = /SECRET|TOKEN|PASSW|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL/i;

/** Keyword arguments that authenticate a request rather than carry its data. */
const AUTH_KWARGS = new Set(['headers', 'auth', 'cookies', 'cert', 'verify', 'timeout', 'proxies']);
const KEY_READS = new Set(['get', 'setdefault', 'pop', '__getitem__']);

function credentialPath(text: string): string | undefined {
  const t = text.trim();
  if (t.length === 0 || t.length > 300) return undefined;
  for (const [pattern, what] of CREDENTIAL_PATHS) if (pattern.test(t)) return what;
  return undefined;
}

/** Calls that resolve a host name: a name built from secret data leaks it to the DNS servers on the way. */
const isResolver = pathMatcher([
  'socket.gethostbyname',
  'socket.gethostbyname_ex',
  'socket.getaddrinfo',
  'socket.gethostbyaddr',
  'socket.getnameinfo',
  'socket.create_connection',
  'socket.socket().connect*',
  'dns.resolver.resolve',
  'dns.resolver.query',
  'dns.resolver.Resolver().resolve',
  'dns.resolver.Resolver().query',
  'dns.asyncresolver.resolve',
  'dns.asyncresolver.Resolver().resolve',
  'aiodns.DNSResolver().query',
  'asyncio.get_event_loop().getaddrinfo',
  'asyncio.get_running_loop().getaddrinfo',
  'http.client.HTTPConnection',
  'http.client.HTTPSConnection',
]);

/** Where a credential path is built (`os.path.join(home, '.cache', 'huggingface', 'token')`, `Path.home() / '.netrc'`). */
const PATH_BUILDERS = pathMatcher(['os.path.join', 'os.path.expanduser', 'pathlib.Path', 'pathlib.Path.home', 'pathlib.PurePath']);

/** Calls with `env=` expanded in one search; each expansion is a walk of its own. */
const MAX_ENV_EXPANSIONS = 64;

/** What secrets flow into the data of a network call: the whole environment, secret vars, credential files. */
function secretsSent(model: PythonModule, sink: Call): { high: string[]; medium: string[] } {
  const high = new Set<string>();
  const medium = new Set<string>();
  const expanded = new Set<Expr>();
  const isEnviron = (e: Expr): boolean => resolve(model, e)?.path === 'os.environ';
  const single = (key: Expr | undefined): false => {
    const name = key ? staticString(model, key) : undefined;
    if (name !== undefined && SECRET_NAME.test(name)) medium.add(`the secret environment variable ${name}`);
    return false;
  };
  const visit = (e: Expr): boolean => {
    if (e.k === 'index' && isEnviron(e.object)) return single(e.index);
    if (e.k === 'call') {
      if (e.callee.k === 'attr' && KEY_READS.has(e.callee.attr) && isEnviron(e.callee.object)) return single(e.args[0]);
      if (calleePath(model, e) === 'os.getenv') return single(e.args[0]);
      if (e.kwargs.some((k) => k.name === 'env')) {
        // A child process's environment (`env=`) does not flow into what the call returns.
        if (expanded.has(e) || expanded.size >= MAX_ENV_EXPANSIONS) return false;
        expanded.add(e);
        for (const x of [e.callee, ...e.args, ...e.kwargs.filter((k) => k.name !== 'env').map((k) => k.value)]) walkFlow(model, x, visit);
        return false;
      }
    }
    if ((e.k === 'attr' || e.k === 'name') && isEnviron(e)) {
      high.add('the whole environment (os.environ)');
      return false;
    }
    if (e.k === 'str') {
      const what = credentialPath(e.value);
      if (what) high.add(`${what} (${e.value.trim()})`);
    }
    if (e.k === 'call' || e.k === 'attr') {
      const path = e.k === 'call' ? calleePath(model, e) : resolve(model, e)?.path;
      const source = CREDENTIAL_SOURCES.find(([is]) => is(path));
      if (source) high.add(`${source[1]} (${path})`);
    }
    if (
      (e.k === 'binop' && e.op === '/') ||
      (e.k === 'call' && (PATH_BUILDERS(calleePath(model, e)) || (e.callee.k === 'attr' && e.callee.attr === 'joinpath')))
    ) {
      const text = pathText(model, e);
      const what = credentialPath(text);
      if (what) high.add(`${what} (${text})`);
    }
    return true;
  };
  for (const arg of sink.args) walkFlow(model, arg, visit);
  for (const k of sink.kwargs) if (k.name === null || !AUTH_KWARGS.has(k.name)) walkFlow(model, k.value, visit);
  return { high: [...high], medium: [...medium] };
}

/** Credentials and the environment read and sent over the network. */
export const credentialExfiltration: Rule<PythonModule> = {
  meta: {
    id: 'python/credential-exfiltration',
    version: 2,
    defaultSeverity: 'high',
    title: 'Credentials or the environment sent over the network',
    description:
      'Data sent by requests, urllib, http.client, httpx, aiohttp, smtplib or a socket (UDP sendto included), or a host name resolved through DNS, comes from the whole environment (os.environ), from files that hold other services\u2019 credentials (~/.ssh, ~/.aws/credentials, ~/.netrc, ~/.docker/config.json, ~/.kube, the Hugging Face token file …), from credential APIs (huggingface_hub.get_token, boto3 get_credentials, google.auth.default, netrc, keyring), or from secret environment variables (HF_TOKEN, AWS_* keys …) outside authentication headers. Code that reads credential files and sends data in the same file without a visible flow between them is medium.',
    docs: 'docs/rules/python-credential-exfiltration.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0025', 'OWASP LLM03:2025', 'CWE-200', 'CWE-522', 'CWE-506'],
  },
  check(model, ctx) {
    const sinks = model.calls.filter((c) => {
      const path = calleePath(model, c);
      return isNetworkCall(path) || isResolver(path);
    });
    if (sinks.length === 0) return;
    let flowed = false;
    for (const sink of sinks) {
      const { high, medium } = secretsSent(model, sink);
      if (high.length + medium.length === 0) continue;
      flowed = true;
      const { location, where } = place(model, sink);
      const what = [...high, ...medium].join(', ');
      ctx.report({
        severity: high.length > 0 ? 'high' : 'medium',
        message: `${calleePath(model, sink)} at ${where} ${isResolver(calleePath(model, sink)) ? 'looks up a host name built from' : 'sends'} ${what}`,
        location,
        evidence: snippet(model, sink),
      });
    }
    if (flowed) return;
    // No flow was traced: a credential path used in code, and a network call, in one file.
    const read = model.strings.find((s) => !s.statement && typeof s.value === 'string' && credentialPath(s.value) !== undefined);
    if (!read) return;
    const { location, where } = place(model, read);
    const first = place(model, sinks[0]!);
    ctx.report({
      severity: 'medium',
      message: `reads ${credentialPath(read.value as string)} at ${where} and sends data over the network (${calleePath(model, sinks[0]!)} at ${first.where}) in the same file`,
      location,
      evidence: snippet(model, read),
    });
  },
};
