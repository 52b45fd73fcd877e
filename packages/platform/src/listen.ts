import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface ListeningServer {
  url: string;
  port: number;
  /**
   * Stops serving: `/ready` fails at once and answers close their connection; after `delayMs` (0 by default: a load balancer's time to
   * notice) `onClose` runs, which stops accepting and answers what is in flight (Apollo's drain
   * plugin, within its grace); then whatever connection is left is closed.
   */
  close(delayMs?: number): Promise<void>;
}

function createHttpServer(): http.Server {
  return http.createServer({ keepAliveTimeout: 65_000 });
}

/**
 * A service's HTTP server, made before its Apollo server, and Apollo's drain plugin for it: on
 * `apollo.stop()` the server stops accepting, closes idle connections, answers the requests in
 * flight (each connection closed once its last answer is sent) and cuts what is left after `graceMs`.
 */
export function drainedHttpServer(graceMs = 10_000): { server: http.Server; plugin: ApolloServerPlugin } {
  const server = createHttpServer();
  return { server, plugin: ApolloServerPluginDrainHttpServer({ httpServer: server, stopGracePeriodMillis: graceMs }) };
}

/** Serves `handler` on `port` (0: any free port), on `server` when given (see `ListeningServer.close`). */
export function listen(
  handler: http.RequestListener,
  port: number,
  host: string,
  options: { server?: http.Server; unready?: () => void; onClose?: () => Promise<void> } = {},
): Promise<ListeningServer> {
  const server = options.server ?? createHttpServer();
  // Once stopping, every answer says `Connection: close`: a keep-alive client (a load balancer's
  // pool, undici's) opens its next request's connection elsewhere rather than sending it on a
  // connection this server is about to close (a POST lost in that race is not retried).
  let stopping = false;
  server.on('request', (_request: http.IncomingMessage, response: http.ServerResponse) => {
    if (stopping) response.setHeader('connection', 'close');
  });
  server.on('request', handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${host}:${actual}/graphql`,
        port: actual,
        close: async (delayMs = 0) => {
          stopping = true;
          options.unready?.();
          if (delayMs > 0) await new Promise((done) => setTimeout(done, delayMs));
          await options.onClose?.();
          if (!server.listening) return;
          await new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
        },
      });
    });
  });
}

/**
 * A TCP port free on 127.0.0.1 now, for a server told its port in advance (PostgreSQL, a child
 * process). Chosen below the ephemeral range (Linux 32768–60999, macOS and Windows 49152+), where
 * neither outgoing connections nor `listen(0)` take ports: a port from that range could be taken
 * by any connection before the server binds it, as happened to `npm start` in the test suite.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = 15_000 + Math.floor(Math.random() * 17_000);
    const free = await new Promise<boolean>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', (error: NodeJS.ErrnoException) =>
        error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(false) : reject(error),
      );
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (free) return port;
    if (attempt >= 50) throw new Error('No free TCP port found below the ephemeral range');
  }
}
