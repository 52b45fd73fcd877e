import { createServer } from 'node:net';
import { portInUseMessage } from '@partner-graph/platform';

/** A port a program of `npm start` will listen on, and the variable that moves it. */
export interface PortClaim {
  port: number;
  host: string;
  variable: string;
}

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
 * a port given twice, a port 0, a port another program holds. Empty when all is clear.
 */
export async function portProblems(claims: PortClaim[]): Promise<string[]> {
  const problems: string[] = [];
  const claimedBy = new Map<number, string>();
  const toTry: PortClaim[] = [];
  for (const claim of claims) {
    const earlier = claimedBy.get(claim.port);
    if (claim.port === 0) problems.push(`${claim.variable} is 0: npm start needs a fixed port`);
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
