import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEV_INTERNAL_SECRET,
  DEV_JWT_SECRET,
  DEV_ROUTER_SECRET,
  httpUrl,
  loadGatewayConfig,
  loadScriptConfig,
  loadSubgraphConfig,
  loadTelemetryConfig,
  servicePorts,
  serviceUrls,
} from '../src/config.js';

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
    expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(/ROUTER_SIGNING_SECRET[\s\S]*AUTH_JWKS_URL[\s\S]*TRUST_PROXY_HOPS/);
    expect(() => loadSubgraphConfig('offer', { NODE_ENV: 'production' })).toThrow(
      /INTERNAL_SIGNING_SECRET[\s\S]*ROUTER_SIGNING_SECRET[\s\S]*AUTH_JWKS_URL/,
    );
  });

  it('production refuses the documented development secrets and asks where metrics go', () => {
    const production = {
      NODE_ENV: 'production',
      INTERNAL_SIGNING_SECRET: DEV_INTERNAL_SECRET,
      ROUTER_SIGNING_SECRET: DEV_ROUTER_SECRET,
      AUTH_JWT_SECRET: DEV_JWT_SECRET,
      AUTH_JWKS_URL: 'https://idp.example/jwks',
      AUTH_ISSUER: 'https://idp.example/',
      AUTH_AUDIENCE: 'api://pg',
    };
    expect(() => loadGatewayConfig(production)).toThrow(
      /INTERNAL_SIGNING_SECRET: the gateway must not hold[\s\S]*ROUTER_SIGNING_SECRET: the documented development secret[\s\S]*AUTH_JWT_SECRET: the documented[\s\S]*METRICS_PORT or METRICS_TOKEN/,
    );
    expect(() => loadSubgraphConfig('offer', production)).toThrow(
      /INTERNAL_SIGNING_SECRET: the documented development secret[\s\S]*ROUTER_SIGNING_SECRET: the documented development secret/,
    );
    expect(() => loadSubgraphConfig('offer', { NODE_ENV: 'production', INTERNAL_SIGNING_SECRET: DEV_INTERNAL_SECRET })).toThrow(
      /development secret/,
    );
    const secret = 'a-production-secret-of-enough-length-0123456789';
    const routerSecret = 'a-production-router-secret-of-enough-length-0123';
    const gateway = {
      ...production,
      INTERNAL_SIGNING_SECRET: undefined,
      ROUTER_SIGNING_SECRET: routerSecret,
      AUTH_JWT_SECRET: undefined,
      TRUST_PROXY_HOPS: '0',
      PERSISTED_DOCUMENTS_PATH: 'manifest.json',
    };
    const ok = loadGatewayConfig({ ...gateway, METRICS_PORT: '9464' });
    expect(ok.auth.mode).toBe('jwks');
    expect(ok.edge).toEqual({ introspection: false, suggestions: false, metrics: { port: 9464, token: undefined } });
    expect(loadGatewayConfig({ ...gateway, METRICS_TOKEN: 'a-metrics-token-0123', GRAPHQL_INTROSPECTION: 'true' }).edge.introspection).toBe(
      true,
    );
    const subgraph = loadSubgraphConfig('offer', {
      ...production,
      INTERNAL_SIGNING_SECRET: secret,
      ROUTER_SIGNING_SECRET: routerSecret,
      AUTH_JWT_SECRET: undefined,
      OFFER_METRICS_PORT: '9467',
    });
    expect(subgraph.edge).toMatchObject({ introspection: false, metrics: { port: 9467 } });
    // Subgraphs verify the users' tokens by the gateway's rules.
    expect(subgraph.auth).toEqual(ok.auth);
  });

  it("production refuses one secret for two purposes, and the services' secret in the gateway", () => {
    const production = {
      NODE_ENV: 'production',
      AUTH_JWKS_URL: 'https://idp.example/jwks',
      AUTH_ISSUER: 'https://idp.example/',
      AUTH_AUDIENCE: 'api://pg',
      METRICS_PORT: '9464',
      TRUST_PROXY_HOPS: '1',
      DASHBOARD_DIR: 'web/dist',
      DASHBOARD_OIDC_CLIENT_ID: 'dashboard',
    };
    const one = 'one-production-secret-of-enough-length-0123456789';
    const two = 'two-production-secret-of-enough-length-0123456789';
    expect(() => loadSubgraphConfig('customer', { ...production, INTERNAL_SIGNING_SECRET: one, ROUTER_SIGNING_SECRET: one })).toThrow(
      /INTERNAL_SIGNING_SECRET and ROUTER_SIGNING_SECRET: the same secret for two purposes/,
    );
    expect(() =>
      loadSubgraphConfig('customer', { ...production, INTERNAL_SIGNING_SECRET: one, ROUTER_SIGNING_SECRET: two, AUTH_JWT_SECRET: two }),
    ).toThrow(/ROUTER_SIGNING_SECRET and AUTH_JWT_SECRET: the same secret/);
    expect(
      loadSubgraphConfig('customer', { ...production, INTERNAL_SIGNING_SECRET: one, ROUTER_SIGNING_SECRET: two }).INTERNAL_SIGNING_SECRET,
    ).toBe(one);
    expect(() => loadGatewayConfig({ ...production, INTERNAL_SIGNING_SECRET: one, ROUTER_SIGNING_SECRET: two })).toThrow(
      /INTERNAL_SIGNING_SECRET: the gateway must not hold/,
    );
    const gateway = loadGatewayConfig({ ...production, ROUTER_SIGNING_SECRET: two });
    expect(gateway).not.toHaveProperty('INTERNAL_SIGNING_SECRET');
    // Outside production the same secrets are accepted (tests, npm start).
    expect(loadSubgraphConfig('customer', { INTERNAL_SIGNING_SECRET: one, ROUTER_SIGNING_SECRET: one }).ROUTER_SIGNING_SECRET).toBe(one);
  });

  it('production asks how many proxies stand in front of the gateway, and accepts only persisted documents unless told otherwise', () => {
    const production = {
      NODE_ENV: 'production',
      ROUTER_SIGNING_SECRET: 'two-production-secret-of-enough-length-0123456789',
      AUTH_JWKS_URL: 'https://idp.example/jwks',
      AUTH_ISSUER: 'https://idp.example/',
      AUTH_AUDIENCE: 'api://pg',
      METRICS_PORT: '9464',
    };
    expect(() => loadGatewayConfig({ ...production, PERSISTED_DOCUMENTS_PATH: 'm.json' })).toThrow(
      /TRUST_PROXY_HOPS: required in production/,
    );
    expect(loadGatewayConfig({ ...production, PERSISTED_DOCUMENTS_PATH: 'm.json', TRUST_PROXY_HOPS: '0' }).TRUST_PROXY_HOPS).toBe(0);
    expect(loadGatewayConfig({ ...production, PERSISTED_DOCUMENTS_PATH: 'm.json', TRUST_PROXY_HOPS: '2' }).PERSISTED_DOCUMENTS_ONLY).toBe(
      true,
    );
    expect(() => loadGatewayConfig({ ...production, TRUST_PROXY_HOPS: '0' })).toThrow(/production accepts only persisted documents/);
    expect(loadGatewayConfig({ ...production, TRUST_PROXY_HOPS: '0', PERSISTED_DOCUMENTS_ONLY: 'false' }).PERSISTED_DOCUMENTS_ONLY).toBe(
      false,
    );
    expect(loadGatewayConfig({}).PERSISTED_DOCUMENTS_ONLY).toBe(false);
  });

  it('development keeps introspection, suggestions and metrics open; deadlines default to 5 s', () => {
    const config = loadGatewayConfig({});
    expect(config.edge).toEqual({ introspection: true, suggestions: true, metrics: { port: undefined, token: undefined } });
    expect(config.SUBGRAPH_TIMEOUT_MS).toBe(5_000);
    expect(loadGatewayConfig({ SUBGRAPH_TIMEOUT_MS: '2500', TRUST_PROXY_HOPS: '2' })).toMatchObject({
      SUBGRAPH_TIMEOUT_MS: 2_500,
      TRUST_PROXY_HOPS: 2,
    });
  });

  it('limits link acceptances to 10 an hour per address and 100 per link, and keeps audit records 400 days, unless told otherwise', () => {
    expect(loadGatewayConfig({})).toMatchObject({ ACCEPTANCES_PER_ADDRESS_PER_HOUR: 10, ACCEPTANCES_PER_LINK_PER_HOUR: 100 });
    expect(loadGatewayConfig({ ACCEPTANCES_PER_ADDRESS_PER_HOUR: '3', ACCEPTANCES_PER_LINK_PER_HOUR: '30' })).toMatchObject({
      ACCEPTANCES_PER_ADDRESS_PER_HOUR: 3,
      ACCEPTANCES_PER_LINK_PER_HOUR: 30,
    });
    expect(() => loadGatewayConfig({ ACCEPTANCES_PER_ADDRESS_PER_HOUR: '0', ACCEPTANCES_PER_LINK_PER_HOUR: 'many' })).toThrow(
      /ACCEPTANCES_PER_ADDRESS_PER_HOUR[\s\S]*ACCEPTANCES_PER_LINK_PER_HOUR/,
    );
    expect(loadSubgraphConfig('customer', {}).AUDIT_RETENTION_DAYS).toBe(400);
    expect(loadSubgraphConfig('customer', { AUDIT_RETENTION_DAYS: '30' }).AUDIT_RETENTION_DAYS).toBe(30);
    expect(() => loadSubgraphConfig('customer', { AUDIT_RETENTION_DAYS: '0' })).toThrow(/AUDIT_RETENTION_DAYS/);
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
    const jwks = loadGatewayConfig({
      AUTH_JWKS_URL: 'https://idp.example/jwks',
      AUTH_ISSUER: 'https://idp.example/',
      AUTH_AUDIENCE: 'api://pg',
    });
    expect(jwks.auth).toEqual({ mode: 'jwks', jwksUrl: 'https://idp.example/jwks', issuer: 'https://idp.example/', audience: 'api://pg' });
  });

  describe('ports and service URLs', () => {
    it('are 4000–4005 on 127.0.0.1 when nothing is set', () => {
      const config = loadScriptConfig({});
      expect(servicePorts(config)).toEqual({
        gateway: 4000,
        partner: 4001,
        customer: 4002,
        subscription: 4003,
        offer: 4004,
        'licensing-key': 4005,
      });
      expect(serviceUrls(config)['licensing-key']).toBe('http://127.0.0.1:4005/graphql');
    });

    it("follow each service's own port variable, in every service alike", () => {
      const env = {
        GATEWAY_PORT: '5000',
        PARTNER_PORT: '5001',
        CUSTOMER_PORT: '5002',
        SUBSCRIPTION_PORT: '5003',
        OFFER_PORT: '5004',
        LICENSING_KEY_PORT: '5005',
      };
      expect(loadGatewayConfig(env).GATEWAY_PORT).toBe(5000);
      expect(serviceUrls(loadGatewayConfig(env))).toEqual({
        partner: 'http://127.0.0.1:5001/graphql',
        customer: 'http://127.0.0.1:5002/graphql',
        subscription: 'http://127.0.0.1:5003/graphql',
        offer: 'http://127.0.0.1:5004/graphql',
        'licensing-key': 'http://127.0.0.1:5005/graphql',
      });
      const offer = loadSubgraphConfig('offer', env);
      expect(offer.port).toBe(5004);
      expect(offer.serviceUrls.customer).toBe('http://127.0.0.1:5002/graphql');
    });

    it('move all six with PORT_BASE, a port set on its own winning', () => {
      expect(servicePorts(loadScriptConfig({ PORT_BASE: '6000', OFFER_PORT: '7004' }))).toEqual({
        gateway: 6000,
        partner: 6001,
        customer: 6002,
        subscription: 6003,
        offer: 7004,
        'licensing-key': 6005,
      });
      expect(() => loadScriptConfig({ PORT_BASE: '65533' })).toThrow(/PORT_BASE/);
    });

    it('keep an explicit <SUBGRAPH>_URL over the port', () => {
      const config = loadGatewayConfig({ SUBSCRIPTION_PORT: '5003', SUBSCRIPTION_URL: 'http://subscription.internal:8080/graphql' });
      expect(serviceUrls(config).subscription).toBe('http://subscription.internal:8080/graphql');
      expect(serviceUrls(config).offer).toBe('http://127.0.0.1:4004/graphql');
    });

    it('reach services listening on every interface through loopback', () => {
      expect(serviceUrls(loadGatewayConfig({ HOST: '0.0.0.0' })).partner).toBe('http://127.0.0.1:4001/graphql');
      expect(serviceUrls(loadGatewayConfig({ HOST: '::' })).partner).toBe('http://[::1]:4001/graphql');
      expect(httpUrl('::1', 4000, '/health')).toBe('http://[::1]:4000/health');
      expect(httpUrl('partner-graph.local', 4000)).toBe('http://partner-graph.local:4000/graphql');
    });

    it('point the acceptance links at the gateway unless PUBLIC_ACCEPT_URL says otherwise', () => {
      expect(loadSubgraphConfig('offer', {}).PUBLIC_ACCEPT_URL).toBe('http://127.0.0.1:4000/accept');
      expect(loadSubgraphConfig('offer', { PORT_BASE: '5000' }).PUBLIC_ACCEPT_URL).toBe('http://127.0.0.1:5000/accept');
      expect(loadSubgraphConfig('offer', { PUBLIC_ACCEPT_URL: 'https://partners.example/accept' }).PUBLIC_ACCEPT_URL).toBe(
        'https://partners.example/accept',
      );
    });

    it("let a subgraph's own port variable win over PORT, as npm start sets it", () => {
      expect(loadSubgraphConfig('customer', { PORT: '8080' }).port).toBe(8080);
      expect(loadSubgraphConfig('customer', { PORT: '8080', CUSTOMER_PORT: '5002' }).port).toBe(5002);
    });

    it('list a bad port among every other problem', () => {
      expect(() => loadSubgraphConfig('offer', { OFFER_PORT: 'abc', LOG_LEVEL: 'loud' })).toThrow(
        /OFFER_PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*OFFER_PORT/,
      );
    });
  });
});

describe('telemetry config', () => {
  it('traces only with an OTLP endpoint, and not when OTEL_SDK_DISABLED says so', () => {
    expect(loadTelemetryConfig({}).enabled).toBe(false);
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toMatchObject({
      enabled: true,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    });
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }).enabled).toBe(true);
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
    expect(() => loadTelemetryConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon' })).toThrow(ConfigError);
  });
});
