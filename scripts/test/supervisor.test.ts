import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, freePort } from '@partner-graph/platform';
import { RestartPolicy, Supervisor, type ServiceSpec } from '../supervisor.js';

describe('the restart policy', () => {
  it('waits 0.5 s after a crash, doubling up to 30 s', () => {
    const policy = new RestartPolicy();
    const delays = Array.from({ length: 9 }, () => policy.delayAfterCrash(100));
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts over once the service ran a minute', () => {
    const policy = new RestartPolicy();
    policy.delayAfterCrash(100);
    policy.delayAfterCrash(100);
    expect(policy.delayAfterCrash(59_999)).toBe(2_000);
    expect(policy.delayAfterCrash(60_000)).toBe(500);
    expect(policy.delayAfterCrash(10)).toBe(1_000);
  });
});

/** A real process answering its pid on /health, after `delayMs`. */
function tinyService(port: number, delayMs = 0): ServiceSpec {
  const program = `setTimeout(() => require('node:http').createServer((req, res) => res.end(JSON.stringify({ pid: process.pid }))).listen(${port}, '127.0.0.1'), ${delayMs});`;
  return { name: 'tiny', args: ['-e', program], env: {}, healthUrl: `http://127.0.0.1:${port}/health` };
}

const pidAt = async (url: string): Promise<number | undefined> => {
  try {
    return ((await (await fetch(url)).json()) as { pid: number }).pid;
  } catch {
    return undefined;
  }
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let supervisor: Supervisor | undefined;
afterEach(async () => {
  await supervisor?.stop();
});

describe('the supervisor', () => {
  it('restarts a service killed with SIGKILL, and stop ends it for good', async () => {
    supervisor = new Supervisor({ cwd: process.cwd(), logger: createLogger('test', 'silent'), stopTimeoutMs: 10_000, restart: true });
    const spec = tinyService(await freePort());
    await supervisor.start(spec);
    const first = (await pidAt(spec.healthUrl))!;
    expect(first).toBeGreaterThan(0);

    process.kill(first, 'SIGKILL');
    await expect.poll(() => pidAt(spec.healthUrl), { timeout: 10_000 }).toSatisfy((pid) => pid !== undefined && pid !== first);
    const second = (await pidAt(spec.healthUrl))!;

    await supervisor.stop();
    expect(alive(second)).toBe(false);
    expect(await pidAt(spec.healthUrl)).toBeUndefined();
  });

  it('kill: the service is killed and answers again from a new process before kill resolves', async () => {
    supervisor = new Supervisor({ cwd: process.cwd(), logger: createLogger('test', 'silent'), stopTimeoutMs: 10_000, restart: true });
    const spec = tinyService(await freePort(), 300);
    await supervisor.start(spec);
    const first = (await pidAt(spec.healthUrl))!;

    const { pid, restartedPid } = await supervisor.kill('tiny');
    expect(pid).toBe(first);
    expect(alive(first)).toBe(false);
    expect(restartedPid).not.toBe(first);
    expect(await pidAt(spec.healthUrl)).toBe(restartedPid);
    await expect(supervisor.kill('nothing')).rejects.toThrow('nothing is not running');
  });

  it('fails the start of a service that exits before it answers, saying how it ended', async () => {
    supervisor = new Supervisor({ cwd: process.cwd(), logger: createLogger('test', 'silent'), stopTimeoutMs: 10_000, restart: true });
    const spec: ServiceSpec = {
      name: 'broken',
      args: ['-e', 'process.exit(3)'],
      env: {},
      healthUrl: `http://127.0.0.1:${await freePort()}/health`,
    };
    await expect(supervisor.start(spec)).rejects.toThrow('broken exited before it answered (exit code 3)');
  });
});

describe('the supervisor without restarts (a bench)', () => {
  it('reads what each service uses, and a crash is fatal: not restarted, and usage says which stopped', async () => {
    supervisor = new Supervisor({ cwd: process.cwd(), logger: createLogger('test', 'silent'), stopTimeoutMs: 10_000, restart: false });
    const spec = tinyService(await freePort());
    await supervisor.start(spec);
    const usage = supervisor.usage().get('tiny')!;
    expect(usage.rssMb).toBeGreaterThan(0);
    expect(usage.cpuMs).toBeGreaterThanOrEqual(0);

    process.kill((await pidAt(spec.healthUrl))!, 'SIGKILL');
    await vi.waitFor(() => expect(() => supervisor!.usage()).toThrow('tiny stopped (SIGKILL)'), { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await pidAt(spec.healthUrl)).toBeUndefined();
  });
});
