import { z } from 'zod';

/** The five subgraphs, in the partner's words. */
export const SUBGRAPHS = ['partner', 'customer', 'subscription', 'offer', 'licensing-key'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

/** `licensing-key` → `LICENSING_KEY`: the prefix of a subgraph's own variables. */
export const envPrefix = (name: SubgraphName): string => name.toUpperCase().replace(/-/g, '_');

export const DEV_JWT_SECRET = 'partner-graph-dev-jwt-secret-change-me';
export const DEV_INTERNAL_SECRET = 'partner-graph-dev-internal-secret-change-me';

const port = z.coerce.number().int().min(0).max(65535);

const base = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Interface the services listen on; 0.0.0.0 in a container. */
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HMAC secret shared by the gateway and the subgraphs: signs the viewer context. */
  INTERNAL_SIGNING_SECRET: z.string().min(32).default(DEV_INTERNAL_SECRET),
  PARTNER_URL: z.url().default('http://127.0.0.1:4001/graphql'),
  CUSTOMER_URL: z.url().default('http://127.0.0.1:4002/graphql'),
  SUBSCRIPTION_URL: z.url().default('http://127.0.0.1:4003/graphql'),
  OFFER_URL: z.url().default('http://127.0.0.1:4004/graphql'),
  LICENSING_KEY_URL: z.url().default('http://127.0.0.1:4005/graphql'),
});

const gateway = base.extend({
  GATEWAY_PORT: port.default(4000),
  AUTH_JWT_SECRET: z.string().min(32).optional(),
  AUTH_JWKS_URL: z.url().optional(),
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  /** How long a resolved viewer context is reused; SPEC §3.1 allows at most 30 s. */
  GATEWAY_VIEWER_CACHE_SECONDS: z.coerce.number().min(0).max(30).default(30),
  /** Requests per minute per client address (per gateway replica). */
  GATEWAY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  /** Express `trust proxy`: how many proxies in front set X-Forwarded-For. */
  GATEWAY_TRUSTED_PROXIES: z.coerce.number().int().min(0).default(0),
  /** The built partner dashboard (`web/dist`), served at `/` on the API's own origin; none when unset. */
  DASHBOARD_DIR: z.string().optional(),
  /** The dashboard's OpenID Connect client (authorization code + PKCE against AUTH_ISSUER). */
  DASHBOARD_OIDC_CLIENT_ID: z.string().optional(),
  DASHBOARD_OIDC_SCOPE: z.string().default('openid profile email'),
  /** Persisted-documents manifests (`{ "<sha256>": "<document>" }`, comma-separated, one per client) whose documents clients may send by id. */
  PERSISTED_DOCUMENTS_PATH: z.string().optional(),
  /** Accept only the manifest's documents (trusted documents); off in development. */
  PERSISTED_DOCUMENTS_ONLY: z.stringbool().default(false),
});

const subgraph = base.extend({
  PORT: port.optional(),
  DATABASE_URL: z.url().optional(),
  /** Public base URL of the customer-facing acceptance pages (invitations, offers, delegated admin). */
  PUBLIC_ACCEPT_URL: z.url().default('http://localhost:4000/accept'),
  /** Federated inline traces (ftv1) for a gateway that reports usage; off unless asked for. */
  INLINE_TRACING: z.stringbool().default(false),
});

export type BaseConfig = z.infer<typeof base>;
export type GatewayConfig = z.infer<typeof gateway> & { auth: AuthConfig };
export type SubgraphConfig = z.infer<typeof subgraph> & {
  name: SubgraphName;
  port: number;
  databaseUrl: string | undefined;
  serviceUrls: Record<SubgraphName, string>;
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

function productionProblems(env: Env): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (!env.INTERNAL_SIGNING_SECRET) problems.push('INTERNAL_SIGNING_SECRET: required in production');
  return problems;
}

export function serviceUrls(config: BaseConfig): Record<SubgraphName, string> {
  return {
    partner: config.PARTNER_URL,
    customer: config.CUSTOMER_URL,
    subscription: config.SUBSCRIPTION_URL,
    offer: config.OFFER_URL,
    'licensing-key': config.LICENSING_KEY_URL,
  };
}

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  const problems = productionProblems(env);
  if (env.AUTH_JWKS_URL && (!env.AUTH_ISSUER || !env.AUTH_AUDIENCE)) {
    problems.push('AUTH_ISSUER and AUTH_AUDIENCE: required with AUTH_JWKS_URL');
  }
  if (env.PERSISTED_DOCUMENTS_ONLY && /^(true|1|yes|on)$/i.test(env.PERSISTED_DOCUMENTS_ONLY) && !env.PERSISTED_DOCUMENTS_PATH && !env.DASHBOARD_DIR) {
    problems.push('PERSISTED_DOCUMENTS_PATH: required with PERSISTED_DOCUMENTS_ONLY (unless DASHBOARD_DIR brings the dashboard\'s manifest)');
  }
  if (env.DASHBOARD_DIR && env.AUTH_JWKS_URL && !env.DASHBOARD_OIDC_CLIENT_ID) {
    problems.push('DASHBOARD_OIDC_CLIENT_ID: required to serve the dashboard with AUTH_JWKS_URL (its users sign in with OpenID Connect)');
  }
  if (env.NODE_ENV === 'production' && !env.AUTH_JWKS_URL) {
    problems.push('AUTH_JWKS_URL: required in production (HS256 dev tokens are for development)');
  }
  const parsed = parse(gateway, env, problems);
  const auth: AuthConfig = parsed.AUTH_JWKS_URL
    ? { mode: 'jwks', jwksUrl: parsed.AUTH_JWKS_URL, issuer: parsed.AUTH_ISSUER!, audience: parsed.AUTH_AUDIENCE! }
    : { mode: 'hs256', secret: parsed.AUTH_JWT_SECRET ?? DEV_JWT_SECRET, issuer: parsed.AUTH_ISSUER, audience: parsed.AUTH_AUDIENCE };
  return { ...parsed, auth };
}

const DEFAULT_PORTS: Record<SubgraphName, number> = {
  partner: 4001,
  customer: 4002,
  subscription: 4003,
  offer: 4004,
  'licensing-key': 4005,
};

export function loadSubgraphConfig(name: SubgraphName, env: Env = process.env): SubgraphConfig {
  const prefix = envPrefix(name);
  const parsed = parse(subgraph, env, productionProblems(env));
  const ownPort = env[`${prefix}_PORT`];
  const portValue = ownPort !== undefined ? port.parse(ownPort) : (parsed.PORT ?? DEFAULT_PORTS[name]);
  return {
    ...parsed,
    name,
    port: portValue,
    databaseUrl: env[`${prefix}_DATABASE_URL`] ?? parsed.DATABASE_URL,
    serviceUrls: serviceUrls(parsed),
  };
}

export function subgraphPort(name: SubgraphName): number {
  return DEFAULT_PORTS[name];
}

/** The scripts' own settings (start, seed, token). */
const scripts = base.extend({
  DATABASE_URL: z.url().optional(),
  GATEWAY_PORT: port.default(4000),
  AUTH_JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  EMBEDDED_POSTGRES_PORT: port.default(54329),
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
