import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, SUBGRAPHS } from '@partner-graph/platform';
import { serviceArgs } from '../scripts/supervisor.js';

// SIGTERM as an orchestrator sends it to the gateway process: `/ready` fails first while the
// gateway still serves (a load balancer's time to take it out), then it stops accepting, answers
// the request in flight (Apollo's drain plugin) and exits 0. The subgraphs it calls are one local
// server that holds its answer, so the request is in flight as long as the test says.
const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const DELAY_MS = 1_500;
const held: (() => void)[] = [];
let subgraphs: http.Server;
let gateway: ChildProcess;
let port: number;
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

beforeAll(async () => {
  subgraphs = http.createServer((request, response) => {
    if (request.url === '/ready') return void response.end('{"status":"ready"}');
    request.resume();
    request.on('end', () =>
      held.push(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"offerAcceptance":null}}')),
    );
  });
  await new Promise<void>((resolve) => subgraphs.listen(0, '127.0.0.1', resolve));
  const subgraphsUrl = `http://127.0.0.1:${(subgraphs.address() as AddressInfo).port}/graphql`;
  port = await freePort();
  const { DATABASE_URL: _machineDatabase, ...env } = process.env;
  gateway = spawn(process.execPath, serviceArgs('gateway'), {
    cwd: REPO_ROOT,
    env: {
      ...env,
      GATEWAY_PORT: String(port),
      LOG_LEVEL: 'silent',
      SHUTDOWN_DELAY_MS: String(DELAY_MS),
      SHUTDOWN_GRACE_MS: '10000',
      ...Object.fromEntries(SUBGRAPHS.map((name) => [`${name.toUpperCase().replace('-', '_')}_URL`, subgraphsUrl])),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  exited = new Promise((resolve) => gateway.once('exit', (code, signal) => resolve({ code, signal })));
  for (const deadline = Date.now() + 90_000; (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status !== 200;) {
    if (Date.now() > deadline || gateway.exitCode !== null) throw new Error('the gateway did not start');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}, 120_000);
afterAll(async () => {
  if (gateway && gateway.exitCode === null && gateway.signalCode === null) gateway.kill('SIGKILL');
  await new Promise<void>((resolve) => subgraphs?.close(() => resolve()));
});

describe('SIGTERM to the gateway', () => {
  it('fails /ready first, then stops accepting, answers the request in flight and exits 0', async () => {
    const inFlight = fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ offerAcceptance(code: "slow", id: "1") { id } }' }),
    });
    await expect.poll(() => held.length, { timeout: 20_000, interval: 50 }).toBe(1);
    const signalledAt = Date.now();
    gateway.kill('SIGTERM');

    // Still serving, but out of rotation.
    // (The signal reaches the process a moment later: on a busy machine a first probe may still see 200.)
    let ready = await fetch(`http://127.0.0.1:${port}/ready`);
    while (ready.status === 200 && Date.now() - signalledAt < DELAY_MS) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      ready = await fetch(`http://127.0.0.1:${port}/ready`);
    }
    expect(Date.now() - signalledAt).toBeLessThan(DELAY_MS);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'stopping', service: 'gateway' });
    // Still serving, and every answer now closes its connection: a keep-alive client's next
    // request opens a new one (elsewhere, behind a load balancer) instead of racing the close.
    const meanwhile = await fetch(`http://127.0.0.1:${port}/health`);
    expect(meanwhile.status).toBe(200);
    expect(meanwhile.headers.get('connection')).toBe('close');

    // Then no new connection is taken, while the request in flight still waits for its answer.
    await expect
      .poll(
        async () =>
          await fetch(`http://127.0.0.1:${port}/health`).then(
            () => 'served',
            (error: Error & { cause?: { code?: string } }) => error.cause?.code,
          ),
        { timeout: 10_000, interval: 100 },
      )
      .toBe('ECONNREFUSED');
    expect(gateway.exitCode).toBeNull();
    held[0]!();
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ data: { offerAcceptance: null } });
    expect(await exited).toEqual({ code: 0, signal: null });
  });
});
