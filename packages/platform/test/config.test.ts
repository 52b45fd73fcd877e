import { describe, expect, it } from 'vitest';
import { ConfigError, loadGatewayConfig, loadSubgraphConfig, loadTelemetryConfig } from '../src/config.js';

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

describe('telemetry config', () => {
  it('traces only with an OTLP endpoint, and not when OTEL_SDK_DISABLED says so', () => {
    expect(loadTelemetryConfig({}).enabled).toBe(false);
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toMatchObject({ enabled: true, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }).enabled).toBe(true);
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
    expect(() => loadTelemetryConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon' })).toThrow(ConfigError);
  });
});
