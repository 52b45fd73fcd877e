import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface ListeningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `handler` on `port` (0: any free port); `close` runs `onClose` first, then ends every connection. */
export function listen(handler: http.RequestListener, port: number, host: string, onClose?: () => Promise<void>): Promise<ListeningServer> {
  const server = http.createServer({ keepAliveTimeout: 65_000 }, handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${host}:${actual}/graphql`,
        port: actual,
        close: async () => {
          await onClose?.();
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
      server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(false) : reject(error)));
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (free) return port;
    if (attempt >= 50) throw new Error('No free TCP port found below the ephemeral range');
  }
}
