import { z } from 'zod';

/** The five subgraphs, in the partner's words. */
export const SUBGRAPHS = ['partner', 'customer', 'subscription', 'offer', 'licensing-key'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

/** `licensing-key` → `LICENSING_KEY`: the prefix of a subgraph's own variables. */
export const envPrefix = (name: SubgraphName): string => name.toUpperCase().replace(/-/g, '_');

export const DEV_JWT_SECRET = 'partner-graph-dev-jwt-secret-change-me';
export const DEV_INTERNAL_SECRET = 'partner-graph-dev-internal-secret-change-me';
export const DEV_ROUTER_SECRET = 'partner-graph-dev-router-secret-change-me';

const port = z.coerce.number().int().min(0).max(65535);

/** The gateway and the subgraphs: the services `npm start` runs, in their port order. */
export const SERVICES = ['gateway', ...SUBGRAPHS] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The variable that sets one service's port: `GATEWAY_PORT`, `PARTNER_PORT`, … `LICENSING_KEY_PORT`. */
export const portVariable = (service: ServiceName): string => `${service === 'gateway' ? 'GATEWAY' : envPrefix(service)}_PORT`;

/** What to tell someone whose port is taken: which port and the variable that moves it. */
export function portInUseMessage(port: number, host: string, variable: string): string {
  return `port ${port} on ${host} is already in use: stop what uses it, or set ${variable} to a free port`;
}

const DEFAULT_PORT_BASE = 4000;

/** Audit records are kept 400 days: a year of history and the month after it, for a yearly review. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 400;

const base = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Interface the services listen on; 0.0.0.0 in a container. */
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HMAC secret shared by the router (our gateway or Hive Gateway's `hmacSignature`) and the subgraphs; the gateway's own identity is derived from it. */
  ROUTER_SIGNING_SECRET: z.string().min(32).default(DEV_ROUTER_SECRET),
  /** Partner users' tokens: HS256 with this secret in development, or the identity provider's JWKS. */
  AUTH_JWT_SECRET: z.string().min(32).optional(),
  AUTH_JWKS_URL: z.url().optional(),
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  /** The gateway's port; the subgraphs take the next five, unless each is set on its own. */
  PORT_BASE: port.max(65535 - SUBGRAPHS.length).default(DEFAULT_PORT_BASE),
  GATEWAY_PORT: port.optional(),
  PARTNER_PORT: port.optional(),
  CUSTOMER_PORT: port.optional(),
  SUBSCRIPTION_PORT: port.optional(),
  OFFER_PORT: port.optional(),
  LICENSING_KEY_PORT: port.optional(),
  /** Where a subgraph answers, when not on its port at HOST (another machine, a proxy). */
  PARTNER_URL: z.url().optional(),
  CUSTOMER_URL: z.url().optional(),
  SUBSCRIPTION_URL: z.url().optional(),
  OFFER_URL: z.url().optional(),
  LICENSING_KEY_URL: z.url().optional(),
  /** Deadline of every call to a subgraph (gateway → subgraph, service → service), in ms. */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  /** Schema introspection; off by default in production. */
  GRAPHQL_INTROSPECTION: z.stringbool().optional(),
  /** `/metrics` on its own port instead of the service's (METRICS_PORT for the gateway, `<SUBGRAPH>_METRICS_PORT` for a subgraph). */
  METRICS_PORT: port.optional(),
  /** `/metrics` on the service's port asks for `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /**
   * On SIGTERM, how long `/ready` answers 503 while the service still serves, so a load balancer
   * takes it out of rotation before it stops accepting connections.
   */
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(120_000).default(1_000),
  /** Then the deadline for what is in flight: requests are answered and running jobs finish, or are handed back. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),
});

const gateway = base.extend({
  /** How long a resolved viewer context is reused; at most 30 s, so a deactivated user or a changed role takes effect within that. */
  GATEWAY_VIEWER_CACHE_SECONDS: z.coerce.number().min(0).max(30).default(30),
  /** Requests per minute per partner user (per client address when anonymous), across every replica. */
  GATEWAY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  /**
   * Acceptances of customer-facing links (acceptTrialInvitation, acceptPurchaseOffer) per client
   * address and per link, in a rolling hour across every replica; past either, HTTP 429 with Retry-After.
   */
  ACCEPTANCES_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).default(10),
  ACCEPTANCES_PER_LINK_PER_HOUR: z.coerce.number().int().min(1).default(100),
  /** How many proxies in front of the gateway append to X-Forwarded-For (0: the socket address is the client); production asks for it. */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Where the rate-limit counters live (shared by the replicas); default: DATABASE_URL's server, database partner_graph_gateway. */
  GATEWAY_DATABASE_URL: z.url().optional(),
  DATABASE_URL: z.url().optional(),
  /**
   * Memory for subgraph answers kept by the answer cache (docs/answer-cache.md); 0 turns it off. It
   * also needs every subgraph's database (`<SUBGRAPH>_DATABASE_URL`, or DATABASE_URL's server) to
   * hear their changes.
   */
  GATEWAY_ANSWER_CACHE_MB: z.coerce.number().min(0).default(64),
  /** Field suggestions ("Did you mean …") in validation errors; off by default in production. */
  GRAPHQL_SUGGESTIONS: z.stringbool().optional(),
  /** The built partner dashboard (`web/dist`), served at `/` on the API's own origin; none when unset. */
  DASHBOARD_DIR: z.string().optional(),
  /** The dashboard's OpenID Connect client (authorization code + PKCE against AUTH_ISSUER). */
  DASHBOARD_OIDC_CLIENT_ID: z.string().optional(),
  DASHBOARD_OIDC_SCOPE: z.string().default('openid profile email'),
  /** Persisted-documents manifests (`{ "<sha256>": "<document>" }`, comma-separated, one per client) whose documents clients may send by id. */
  PERSISTED_DOCUMENTS_PATH: z.string().optional(),
  /** Accept only the manifests' documents (trusted documents); on by default in production, off otherwise. */
  PERSISTED_DOCUMENTS_ONLY: z.stringbool().optional(),
});

const subgraph = base.extend({
  /** HMAC secret of the subgraphs only: service-to-service identities and customer access grants are signed with keys derived from it. */
  INTERNAL_SIGNING_SECRET: z.string().min(32).default(DEV_INTERNAL_SECRET),
  PORT: port.optional(),
  DATABASE_URL: z.url().optional(),
  /**
   * Connections the subgraph's queries may hold; its job queue holds up to 5 more (4 and one for
   * LISTEN). Size the replicas × (this + 5) of every subgraph on one server to its max_connections.
   */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Public base URL of the customer-facing acceptance pages (invitations, offers, delegated admin); default: the gateway's `/accept`. */
  PUBLIC_ACCEPT_URL: z.url().optional(),
  /** Federated inline traces (ftv1) for a gateway that reports usage; off unless asked for. */
  INLINE_TRACING: z.stringbool().default(false),
  /** How long a resolved viewer context is reused; at most 30 s, so a deactivated user or a changed role takes effect within that. */
  VIEWER_CACHE_SECONDS: z.coerce.number().min(0).max(30).default(30),
  /** How long audit records are kept; a daily job deletes older ones. */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).default(DEFAULT_AUDIT_RETENTION_DAYS),
  /** Opt-in, weaker than the signature: a router that cannot sign (Apollo Router) proves itself with this header value. */
  ROUTER_STATIC_TOKEN: z.string().min(32).optional(),
});

export type BaseConfig = z.infer<typeof base>;
export type GatewayConfig = z.infer<typeof gateway> & {
  GATEWAY_PORT: number;
  /** Each subgraph's database, whose changes the answer cache listens to; empty when not all are known. */
  subgraphDatabaseUrls: Partial<Record<SubgraphName, string>>;
  PERSISTED_DOCUMENTS_ONLY: boolean;
  auth: AuthConfig;
  edge: EdgeConfig;
};
export type SubgraphConfig = z.infer<typeof subgraph> & {
  PUBLIC_ACCEPT_URL: string;
  auth: AuthConfig;
  name: SubgraphName;
  port: number;
  databaseUrl: string | undefined;
  serviceUrls: Record<SubgraphName, string>;
  edge: EdgeConfig;
};
export type AuthConfig =
  | { mode: 'hs256'; secret: string; issuer?: string; audience?: string }
  | { mode: 'jwks'; jwksUrl: string; issuer: string; audience: string };

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function parse<T extends z.ZodType>(schema: T, env: Env, extraProblems: string[] = []): z.infer<T> {
  const result = schema.safeParse(env);
  const problems = [...extraProblems];
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return result.data as z.infer<T>;
}

/** Production refuses what is documented for development, a secret used for two purposes, and asks where metrics go. */
function productionProblems(env: Env, metricsPort: string | undefined, service: 'gateway' | 'subgraph'): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (service === 'subgraph') {
    if (!env.INTERNAL_SIGNING_SECRET) problems.push('INTERNAL_SIGNING_SECRET: required in production');
    if (env.INTERNAL_SIGNING_SECRET === DEV_INTERNAL_SECRET)
      problems.push('INTERNAL_SIGNING_SECRET: the documented development secret is refused in production');
  } else if (env.INTERNAL_SIGNING_SECRET) {
    problems.push(
      "INTERNAL_SIGNING_SECRET: the gateway must not hold the services' secret (it would let the internet-facing process sign as any service); give it to the subgraphs only",
    );
  }
  if (!env.ROUTER_SIGNING_SECRET) problems.push('ROUTER_SIGNING_SECRET: required in production');
  if (env.ROUTER_SIGNING_SECRET === DEV_ROUTER_SECRET)
    problems.push('ROUTER_SIGNING_SECRET: the documented development secret is refused in production');
  if (env.AUTH_JWT_SECRET === DEV_JWT_SECRET) problems.push('AUTH_JWT_SECRET: the documented development secret is refused in production');
  const secrets = (['INTERNAL_SIGNING_SECRET', 'ROUTER_SIGNING_SECRET', 'AUTH_JWT_SECRET'] as const).filter((name) => env[name]);
  for (let i = 0; i < secrets.length; i++) {
    for (const other of secrets.slice(i + 1)) {
      if (env[secrets[i]!] === env[other])
        problems.push(`${secrets[i]} and ${other}: the same secret for two purposes is refused in production`);
    }
  }
  if (!env.AUTH_JWKS_URL) problems.push('AUTH_JWKS_URL: required in production (HS256 dev tokens are for development)');
  if (!metricsPort && !env.METRICS_TOKEN) problems.push('METRICS_PORT or METRICS_TOKEN: required in production (metrics are not public)');
  if (service === 'gateway' && env.TRUST_PROXY_HOPS === undefined) {
    problems.push(
      'TRUST_PROXY_HOPS: required in production (how many proxies in front of the gateway append to X-Forwarded-For; 0 when clients connect to it directly)',
    );
  }
  return problems;
}

/** The switches that differ between development and production, resolved once. */
export interface EdgeConfig {
  introspection: boolean;
  suggestions: boolean;
  metrics: { port?: number; token?: string };
}
function edgeConfig(
  parsed: { NODE_ENV: string; GRAPHQL_INTROSPECTION?: boolean; METRICS_TOKEN?: string },
  metricsPort: number | undefined,
  suggestions?: boolean,
): EdgeConfig {
  const development = parsed.NODE_ENV !== 'production';
  return {
    introspection: parsed.GRAPHQL_INTROSPECTION ?? development,
    suggestions: suggestions ?? development,
    metrics: { port: metricsPort, token: parsed.METRICS_TOKEN },
  };
}

/** Each service's port: its own variable, else PORT_BASE plus its place (gateway +0, partner +1 … licensing-key +5). */
export function servicePorts(config: BaseConfig): Record<ServiceName, number> {
  const own: Record<ServiceName, number | undefined> = {
    gateway: config.GATEWAY_PORT,
    partner: config.PARTNER_PORT,
    customer: config.CUSTOMER_PORT,
    subscription: config.SUBSCRIPTION_PORT,
    offer: config.OFFER_PORT,
    'licensing-key': config.LICENSING_KEY_PORT,
  };
  return Object.fromEntries(SERVICES.map((service, place) => [service, own[service] ?? config.PORT_BASE + place])) as Record<
    ServiceName,
    number
  >;
}

/** An address this machine can connect to when the services listen on `host` (0.0.0.0 and :: only listen). */
export function connectableHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host;
}

/** `http://host:port/path`, with an IPv6 address in brackets. */
export function httpUrl(host: string, port: number, pathname = '/graphql'): string {
  const address = connectableHost(host);
  return `http://${address.includes(':') && !address.startsWith('[') ? `[${address}]` : address}:${port}${pathname}`;
}

/** Where each subgraph answers: `<SUBGRAPH>_URL` when set, else its port on HOST. */
export function serviceUrls(config: BaseConfig): Record<SubgraphName, string> {
  const ports = servicePorts(config);
  const own: Record<SubgraphName, string | undefined> = {
    partner: config.PARTNER_URL,
    customer: config.CUSTOMER_URL,
    subscription: config.SUBSCRIPTION_URL,
    offer: config.OFFER_URL,
    'licensing-key': config.LICENSING_KEY_URL,
  };
  return Object.fromEntries(SUBGRAPHS.map((name) => [name, own[name] ?? httpUrl(config.HOST, ports[name])])) as Record<
    SubgraphName,
    string
  >;
}

function authProblems(env: Env): string[] {
  return env.AUTH_JWKS_URL && (!env.AUTH_ISSUER || !env.AUTH_AUDIENCE)
    ? ['AUTH_ISSUER and AUTH_AUDIENCE: required with AUTH_JWKS_URL']
    : [];
}

/** The same token rules in the gateway and in every subgraph. */
function authConfig(parsed: BaseConfig): AuthConfig {
  return parsed.AUTH_JWKS_URL
    ? { mode: 'jwks', jwksUrl: parsed.AUTH_JWKS_URL, issuer: parsed.AUTH_ISSUER!, audience: parsed.AUTH_AUDIENCE! }
    : { mode: 'hs256', secret: parsed.AUTH_JWT_SECRET ?? DEV_JWT_SECRET, issuer: parsed.AUTH_ISSUER, audience: parsed.AUTH_AUDIENCE };
}

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  const problems = productionProblems(env, env.METRICS_PORT, 'gateway');
  problems.push(...authProblems(env));
  const persistedOnly =
    env.PERSISTED_DOCUMENTS_ONLY === undefined ? env.NODE_ENV === 'production' : /^(true|1|yes|on)$/i.test(env.PERSISTED_DOCUMENTS_ONLY);
  if (persistedOnly && !env.PERSISTED_DOCUMENTS_PATH && !env.DASHBOARD_DIR) {
    problems.push(
      env.PERSISTED_DOCUMENTS_ONLY === undefined
        ? "PERSISTED_DOCUMENTS_PATH: production accepts only persisted documents (PERSISTED_DOCUMENTS_ONLY); give the clients' manifests, DASHBOARD_DIR, or PERSISTED_DOCUMENTS_ONLY=false"
        : "PERSISTED_DOCUMENTS_PATH: required with PERSISTED_DOCUMENTS_ONLY (unless DASHBOARD_DIR brings the dashboard's manifest)",
    );
  }
  if (env.DASHBOARD_DIR && env.AUTH_JWKS_URL && !env.DASHBOARD_OIDC_CLIENT_ID) {
    problems.push('DASHBOARD_OIDC_CLIENT_ID: required to serve the dashboard with AUTH_JWKS_URL (its users sign in with OpenID Connect)');
  }
  const parsed = parse(gateway, env, problems);
  return {
    ...parsed,
    GATEWAY_PORT: servicePorts(parsed).gateway,
    subgraphDatabaseUrls: subgraphDatabaseUrls(env, parsed.DATABASE_URL),
    PERSISTED_DOCUMENTS_ONLY: parsed.PERSISTED_DOCUMENTS_ONLY ?? parsed.NODE_ENV === 'production',
    auth: authConfig(parsed),
    edge: edgeConfig(parsed, parsed.METRICS_PORT, parsed.GRAPHQL_SUGGESTIONS),
  };
}

/** The database a subgraph uses on a shared server: `partner_graph_<name>`. */
export function subgraphDatabaseName(name: SubgraphName, prefix = 'partner_graph'): string {
  return `${prefix}_${envPrefix(name).toLowerCase()}`;
}

/** `DATABASE_URL` with its database swapped for the subgraph's own. */
export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** `<SUBGRAPH>_DATABASE_URL`, else `partner_graph_<name>` on DATABASE_URL's server; all or none. */
function subgraphDatabaseUrls(env: Env, serverUrl: string | undefined): Partial<Record<SubgraphName, string>> {
  const urls: Partial<Record<SubgraphName, string>> = {};
  for (const name of SUBGRAPHS) {
    const url = env[`${envPrefix(name)}_DATABASE_URL`] ?? (serverUrl ? databaseUrlFor(serverUrl, subgraphDatabaseName(name)) : undefined);
    if (!url) return {};
    urls[name] = url;
  }
  return urls;
}

export function loadSubgraphConfig(name: SubgraphName, env: Env = process.env): SubgraphConfig {
  const ownMetricsPort = env[`${envPrefix(name)}_METRICS_PORT`];
  const parsed = parse(subgraph, env, [...productionProblems(env, ownMetricsPort ?? env.METRICS_PORT, 'subgraph'), ...authProblems(env)]);
  // PORT (one service per container) yields to the subgraph's own variable, as `npm start` sets it.
  const ownPortSet = env[portVariable(name)] !== undefined;
  const ports = servicePorts(parsed);
  const metricsPort = ownMetricsPort !== undefined ? port.parse(ownMetricsPort) : parsed.METRICS_PORT;
  return {
    ...parsed,
    PUBLIC_ACCEPT_URL: parsed.PUBLIC_ACCEPT_URL ?? httpUrl(parsed.HOST, ports.gateway, '/accept'),
    auth: authConfig(parsed),
    name,
    port: ownPortSet || parsed.PORT === undefined ? ports[name] : parsed.PORT,
    databaseUrl: env[`${envPrefix(name)}_DATABASE_URL`] ?? parsed.DATABASE_URL,
    serviceUrls: serviceUrls(parsed),
    edge: edgeConfig(parsed, metricsPort),
  };
}

/** A subgraph's port when nothing is configured. */
export function subgraphPort(name: SubgraphName): number {
  return DEFAULT_PORT_BASE + SERVICES.indexOf(name);
}

export const DEFAULT_EMBEDDED_POSTGRES_PORT = 54329;

/** The scripts' own settings (start, seed, token). */
const scripts = base.extend({
  DATABASE_URL: z.url().optional(),
  GATEWAY_DATABASE_URL: z.url().optional(),
  AUTH_JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  EMBEDDED_POSTGRES_PORT: port.default(DEFAULT_EMBEDDED_POSTGRES_PORT),
  PARTNER_GRAPH_DATA_DIR: z.string().optional(),
});
export type ScriptConfig = z.infer<typeof scripts> & {
  databaseUrls: Partial<Record<SubgraphName, string>>;
  /** The services under `npm start` log warnings and errors only, unless LOG_LEVEL asks otherwise. */
  serviceLogLevel: string;
};

export function loadScriptConfig(env: Env = process.env): ScriptConfig {
  const parsed = parse(scripts, env);
  const databaseUrls: Partial<Record<SubgraphName, string>> = {};
  for (const name of SUBGRAPHS) {
    const url = env[`${envPrefix(name)}_DATABASE_URL`];
    if (url) databaseUrls[name] = url;
  }
  return { ...parsed, databaseUrls, serviceLogLevel: env.LOG_LEVEL ? parsed.LOG_LEVEL : 'warn' };
}

/** The test harness's settings: a server to use instead of the embedded one. */
export function loadTestConfig(env: Env = process.env): { DATABASE_URL?: string; LOG_LEVEL: string } {
  return parse(z.object({ DATABASE_URL: z.url().optional(), LOG_LEVEL: z.string().default('silent') }), env);
}

/**
 * OpenTelemetry's standard variables, as far as this project decides anything: tracing is on
 * when an OTLP endpoint is given (and OTEL_SDK_DISABLED is not true). The SDK reads the rest
 * (protocol, headers, sampler, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) itself.
 */
const telemetry = z.object({
  OTEL_SDK_DISABLED: z.stringbool().default(false),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json', 'grpc']).default('http/protobuf'),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
});
export type TelemetryConfig = z.infer<typeof telemetry> & { enabled: boolean };

export function loadTelemetryConfig(env: Env = process.env): TelemetryConfig {
  const parsed = parse(telemetry, env);
  return {
    ...parsed,
    enabled: !parsed.OTEL_SDK_DISABLED && Boolean(parsed.OTEL_EXPORTER_OTLP_ENDPOINT ?? parsed.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT),
  };
}
