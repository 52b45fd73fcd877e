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

/** A TCP port free on 127.0.0.1 now, for a server told its port in advance (PostgreSQL, a child process). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
