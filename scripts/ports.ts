import { createServer } from 'node:net';
import { portInUseMessage } from '@partner-graph/platform';

/** A port a program of `npm start` will listen on, and the variable that moves it. */
export interface PortClaim {
  port: number;
  host: string;
  variable: string;
  /** Browsers and fetch() will call it (the gateway and the subgraphs, not PostgreSQL). */
  http?: boolean;
}

/**
 * The Fetch standard's "bad ports": browsers and Node's fetch() refuse to connect to them
 * (PORT_BASE=6000 would put the gateway on X11's port, and nothing could reach it).
 */
const FETCH_BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117,
  119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636,
  989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** Why `port` cannot be listened on at `host` now, or undefined when it can. */
function tryListen({ port, host, variable }: PortClaim): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(portInUseMessage(port, host, variable));
      else if (error.code === 'EACCES') resolve(`port ${port} on ${host} needs privileges: set ${variable} to a port above 1023`);
      else if (error.code === 'EADDRNOTAVAIL') resolve(`HOST ${host} is not an address of this machine`);
      else resolve(`port ${port} on ${host} (${variable}): ${error.message}`);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/**
 * What stands in the way of listening on every claimed port, checked before anything starts:
 * a port given twice, a port 0, a port browsers refuse, a port another program holds. Empty when all is clear.
 */
export async function portProblems(claims: PortClaim[]): Promise<string[]> {
  const problems: string[] = [];
  const claimedBy = new Map<number, string>();
  const toTry: PortClaim[] = [];
  for (const claim of claims) {
    const earlier = claimedBy.get(claim.port);
    if (claim.port === 0) problems.push(`${claim.variable} is 0: npm start needs a fixed port`);
    else if (claim.http && FETCH_BAD_PORTS.has(claim.port))
      problems.push(`port ${claim.port} (${claim.variable}) is one browsers and fetch() refuse to call: choose another`);
    else if (earlier) problems.push(`port ${claim.port} is given to both ${earlier} and ${claim.variable}`);
    else {
      claimedBy.set(claim.port, claim.variable);
      toTry.push(claim);
    }
  }
  for (const claim of toTry) {
    const problem = await tryListen(claim);
    if (problem) problems.push(problem);
  }
  // Several HOST problems are one problem.
  return [...new Set(problems)];
}
