import type { ChildProcess } from 'node:child_process';

/** Stops child processes: SIGTERM, then SIGKILL after `graceMs`; resolves when all have exited. */
export async function stopChildren(children: Iterable<ChildProcess>, graceMs = 10_000): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), graceMs).unref();
        }),
    ),
  );
}
