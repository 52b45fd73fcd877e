import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { portProblems } from '../ports.js';

let held: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (held ? held.close(resolve) : resolve(undefined)));
  held = undefined;
});

function hold(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    held = createServer();
    held.once('error', reject);
    held.listen(0, host, () => resolve((held!.address() as { port: number }).port));
  });
}

describe('the ports npm start checks before starting', () => {
  it('name a taken port and the variable that moves it', async () => {
    const port = await hold('127.0.0.1');
    expect(await portProblems([{ port, host: '127.0.0.1', variable: 'EMBEDDED_POSTGRES_PORT' }])).toEqual([
      `port ${port} on 127.0.0.1 is already in use: stop what uses it, or set EMBEDDED_POSTGRES_PORT to a free port`,
    ]);
  });

  it('see a loopback port taken when the service would listen on every interface', async () => {
    const port = await hold('127.0.0.1');
    expect(await portProblems([{ port, host: '0.0.0.0', variable: 'OFFER_PORT' }])).toEqual([
      expect.stringContaining(`port ${port} on 0.0.0.0 is already in use`),
    ]);
  });

  it('refuse a port given to two services, and port 0', async () => {
    expect(
      await portProblems([
        { port: 0, host: '127.0.0.1', variable: 'GATEWAY_PORT' },
        { port: 45_001, host: '127.0.0.1', variable: 'PARTNER_PORT' },
        { port: 45_001, host: '127.0.0.1', variable: 'CUSTOMER_PORT' },
      ]),
    ).toEqual(['GATEWAY_PORT is 0: npm start needs a fixed port', 'port 45001 is given to both PARTNER_PORT and CUSTOMER_PORT']);
  });

  it('find nothing wrong with free ports', async () => {
    const port = await hold('127.0.0.1');
    await new Promise((resolve) => held!.close(resolve));
    held = undefined;
    expect(await portProblems([{ port, host: '127.0.0.1', variable: 'GATEWAY_PORT' }])).toEqual([]);
  });

  it('refuse a port browsers and fetch() will not call, for HTTP services only', async () => {
    expect(await portProblems([{ port: 6000, host: '127.0.0.1', variable: 'GATEWAY_PORT', http: true }])).toEqual([
      'port 6000 (GATEWAY_PORT) is one browsers and fetch() refuse to call: choose another',
    ]);
    expect(await portProblems([{ port: 6000, host: '127.0.0.1', variable: 'EMBEDDED_POSTGRES_PORT' }])).toEqual([]);
  });
});
