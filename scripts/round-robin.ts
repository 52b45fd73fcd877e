import net from 'node:net';

/**
 * One address for a service's replicas on this machine (what a load balancer is in front of
 * them in production): each new connection goes to the next replica in turn, and to the one
 * after it when that replica refuses (stopped, or not started again yet).
 */
export interface RoundRobin {
  port: number;
  close(): Promise<void>;
}

export async function startRoundRobin(ports: number[], host = '127.0.0.1'): Promise<RoundRobin> {
  const sockets = new Set<net.Socket>();
  let next = 0;
  const connect = (client: net.Socket, tries: number) => {
    const port = ports[next++ % ports.length]!;
    const upstream = net.connect(port, host);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      sockets.add(upstream);
      client.pipe(upstream).pipe(client);
      client.resume();
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected && error.code === 'ECONNREFUSED' && tries > 1 && !client.destroyed) connect(client, tries - 1);
      else client.destroy();
    });
    upstream.once('close', () => {
      sockets.delete(upstream);
      if (connected) client.destroy();
    });
  };
  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    sockets.add(client);
    client.on('error', () => client.destroy());
    client.once('close', () => sockets.delete(client));
    connect(client, ports.length);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
