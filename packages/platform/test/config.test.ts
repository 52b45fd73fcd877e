import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_INTERNAL_SECRET, DEV_JWT_SECRET, loadGatewayConfig, loadSubgraphConfig } from '../src/config.js';

describe('config', () => {
  it('lists every problem at once', () => {
    const load = () => loadGatewayConfig({ GATEWAY_PORT: 'abc', LOG_LEVEL: 'loud', AUTH_JWKS_URL: 'https://idp.example/jwks' });
    expect(load).toThrow(ConfigError);
    try {
      load();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('GATEWAY_PORT');
      expect(message).toContain('LOG_LEVEL');
      expect(message).toContain('AUTH_ISSUER and AUTH_AUDIENCE');
    }
  });

  it('refuses development secrets in production', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(/INTERNAL_SIGNING_SECRET[\s\S]*AUTH_JWKS_URL/);
    expect(() => loadSubgraphConfig('offer', { NODE_ENV: 'production' })).toThrow(/INTERNAL_SIGNING_SECRET/);
  });

  it('production refuses the documented development secrets and asks where metrics go', () => {
    const production = {
      NODE_ENV: 'production',
      INTERNAL_SIGNING_SECRET: DEV_INTERNAL_SECRET,
      AUTH_JWT_SECRET: DEV_JWT_SECRET,
      AUTH_JWKS_URL: 'https://idp.example/jwks',
      AUTH_ISSUER: 'https://idp.example/',
      AUTH_AUDIENCE: 'api://pg',
    };
    expect(() => loadGatewayConfig(production)).toThrow(/INTERNAL_SIGNING_SECRET: the documented development secret[\s\S]*AUTH_JWT_SECRET: the documented[\s\S]*METRICS_PORT or METRICS_TOKEN/);
    expect(() => loadSubgraphConfig('offer', { NODE_ENV: 'production', INTERNAL_SIGNING_SECRET: DEV_INTERNAL_SECRET })).toThrow(/development secret/);
    const secret = 'a-production-secret-of-enough-length-0123456789';
    const ok = loadGatewayConfig({ ...production, INTERNAL_SIGNING_SECRET: secret, AUTH_JWT_SECRET: undefined, METRICS_PORT: '9464' });
    expect(ok.auth.mode).toBe('jwks');
    expect(ok.edge).toEqual({ introspection: false, suggestions: false, metrics: { port: 9464, token: undefined } });
    expect(loadGatewayConfig({ ...production, INTERNAL_SIGNING_SECRET: secret, AUTH_JWT_SECRET: undefined, METRICS_TOKEN: 'a-metrics-token-0123', GRAPHQL_INTROSPECTION: 'true' }).edge.introspection).toBe(true);
    const subgraph = loadSubgraphConfig('offer', { NODE_ENV: 'production', INTERNAL_SIGNING_SECRET: secret, OFFER_METRICS_PORT: '9467' });
    expect(subgraph.edge).toMatchObject({ introspection: false, metrics: { port: 9467 } });
  });

  it('development keeps introspection, suggestions and metrics open; deadlines default to 5 s', () => {
    const config = loadGatewayConfig({});
    expect(config.edge).toEqual({ introspection: true, suggestions: true, metrics: { port: undefined, token: undefined } });
    expect(config.SUBGRAPH_TIMEOUT_MS).toBe(5_000);
    expect(loadGatewayConfig({ SUBGRAPH_TIMEOUT_MS: '2500', TRUST_PROXY_HOPS: '2' })).toMatchObject({ SUBGRAPH_TIMEOUT_MS: 2_500, TRUST_PROXY_HOPS: 2 });
  });

  it('gives a subgraph its own database and port over the shared ones', () => {
    const config = loadSubgraphConfig('licensing-key', {
      DATABASE_URL: 'postgres://shared@db/postgres',
      LICENSING_KEY_DATABASE_URL: 'postgres://own@db/keys',
      LICENSING_KEY_PORT: '5005',
    });
    expect(config.databaseUrl).toBe('postgres://own@db/keys');
    expect(config.port).toBe(5005);
    expect(loadSubgraphConfig('offer', {}).port).toBe(4004);
  });

  it('HS256 in development, JWKS when configured', () => {
    expect(loadGatewayConfig({}).auth.mode).toBe('hs256');
    const jwks = loadGatewayConfig({ AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_ISSUER: 'https://idp.example/', AUTH_AUDIENCE: 'api://pg' });
    expect(jwks.auth).toEqual({ mode: 'jwks', jwksUrl: 'https://idp.example/jwks', issuer: 'https://idp.example/', audience: 'api://pg' });
  });
});
