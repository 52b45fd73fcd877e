import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger, ServiceName } from '@partner-graph/platform';

/**
 * A service run from its sources, as the development commands run it: through tsx, the
 * telemetry preload first (it does nothing unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
 * `nodeOptions` go before them (a bench's `--cpu-prof`).
 */
export function serviceArgs(name: ServiceName, nodeOptions: string[] = []): string[] {
  const entry = name === 'gateway' ? path.join('gateway', 'src', 'index.ts') : path.join('subgraphs', name, 'src', 'index.ts');
  return [...nodeOptions, '--import', 'tsx', '--import', '@partner-graph/platform/telemetry', entry];
}

/**
 * How long to wait before restarting a service that crashed: 0.5 s, doubling up to 30 s; a
 * service that ran a minute before crashing is treated as healthy again and starts over at 0.5 s.
 */
export class RestartPolicy {
  private crashesInARow = 0;

  constructor(private readonly options = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000 }) {}

  delayAfterCrash(uptimeMs: number): number {
    if (uptimeMs >= this.options.resetAfterMs) this.crashesInARow = 0;
    const delay = Math.min(this.options.initialMs * 2 ** this.crashesInARow, this.options.maxMs);
    this.crashesInARow += 1;
    return delay;
  }
}

export interface ServiceSpec {
  name: string;
  /** The program and its arguments (run with this Node). */
  args: string[];
  env: Record<string, string>;
  /** Run with `env` alone rather than on top of this process's environment (as a container runs it). */
  isolatedEnv?: boolean;
  /** Answers 2xx once the service serves. */
  healthUrl: string;
}

export interface SupervisorOptions {
  cwd: string;
  logger: Logger;
  /** How long a service may take to stop on SIGTERM (its readiness delay and grace) before SIGKILL. */
  stopTimeoutMs: number;
  /** How long a service may take to answer on its health URL when it starts; 90 s unless said. */
  startupTimeoutMs?: number;
  /**
   * `true` (`npm start`): a crash is restarted with backoff, and the services have their own
   * process group, so Ctrl-C reaches the supervisor alone, which stops them in order.
   * `false` (a bench): a crash is fatal, `usage` says so; the services share this process's
   * group, so Ctrl-C stops them with it.
   */
  restart: boolean;
}

/** What a service's process has used so far: CPU time (user + system) and resident memory. */
export interface ProcessUsage {
  cpuMs: number;
  rssMb: number;
}

/** The kernel counts CPU time in ticks of 1/100 s. */
const TICKS_PER_SECOND = 100;

/** Read from /proc (Linux). */
function processUsage(pid: number): ProcessUsage {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND,
    rssMb: Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024),
  };
}

interface Supervised {
  spec: ServiceSpec;
  policy: RestartPolicy;
  child?: ChildProcess;
  startedAt: number;
  /** Answered once: a crash from now on is restarted (or, without restarts, reported). */
  running: boolean;
  restartTimer?: NodeJS.Timeout;
  /** How it ended, when it crashed and is not restarted. */
  crash?: string;
}

const STARTUP_TIMEOUT_MS = 90_000;

const howItEnded = (code: number | null, signal: NodeJS.Signals | null) => signal ?? `exit code ${code}`;

/** Whether `url` answers 2xx now. */
async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * The one way the commands run services as processes: each in its own process, started once it
 * answers on its health URL. With `restart`, a service that crashes after it first answered is
 * restarted with backoff while the others keep serving; `stop` ends them all.
 */
export class Supervisor {
  private readonly services: Supervised[] = [];
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {}

  /** Starts a service; resolves once it answers, rejects when it exits or stays silent before that. */
  async start(spec: ServiceSpec): Promise<void> {
    const service: Supervised = { spec, policy: new RestartPolicy(), startedAt: 0, running: false };
    this.services.push(service);
    const child = this.launch(service);
    const timeoutMs = this.options.startupTimeoutMs ?? STARTUP_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    while (!(await healthy(spec.healthUrl))) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${spec.name} exited before it answered (${howItEnded(child.exitCode, child.signalCode)})`);
      }
      if (this.stopping) throw new Error(`stopped while ${spec.name} was starting`);
      if (Date.now() > deadline) throw new Error(`${spec.name} did not answer at ${spec.healthUrl} within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // From now on a crash is restarted (or reported) rather than failing the start.
    service.running = true;
  }

  /**
   * What each service's process has used so far, by name in the order they were started; throws
   * when one of them crashed.
   */
  usage(): Map<string, ProcessUsage> {
    return new Map(
      this.services.map(({ spec, child, crash }) => {
        if (crash) throw new Error(`${spec.name} stopped (${crash})`);
        return [spec.name, processUsage(child!.pid!)];
      }),
    );
  }

  /**
   * Kills a running service with `signal` (SIGKILL: as a crash does) and resolves once the
   * restart that follows answers on its health URL.
   */
  async kill(
    name: string,
    signal: NodeJS.Signals = 'SIGKILL',
    restartTimeoutMs = STARTUP_TIMEOUT_MS,
  ): Promise<{ pid: number; restartedPid: number }> {
    const service = this.services.find((candidate) => candidate.spec.name === name);
    const child = service?.child;
    if (!this.options.restart) throw new Error(`${name} would not be restarted (restart: false)`);
    if (!service?.running || !child?.pid) throw new Error(`${name} is not running`);
    child.kill(signal);
    const deadline = Date.now() + restartTimeoutMs;
    while (service.child === child || !(await healthy(service.spec.healthUrl))) {
      if (this.stopping) throw new Error(`stopped while ${name} was restarting`);
      if (Date.now() > deadline) throw new Error(`${name} did not answer within ${restartTimeoutMs / 1000} s of its restart`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { pid: child.pid, restartedPid: service.child!.pid! };
  }

  /**
   * Stops every service (SIGTERM, then SIGKILL after `stopTimeoutMs`); no restart happens from here
   * on. The service started last (the gateway, which calls the others) stops first, so the requests
   * it still answers can reach the subgraphs; then the others together.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    const last = this.services.at(-1);
    if (last) await this.stopOne(last);
    await Promise.all(this.services.slice(0, -1).map((service) => this.stopOne(service)));
  }

  private async stopOne(service: Supervised): Promise<void> {
    clearTimeout(service.restartTimer);
    const child = service.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs);
    await exited;
    clearTimeout(timer);
  }

  private launch(service: Supervised): ChildProcess {
    const { spec } = service;
    const child = spawn(process.execPath, spec.args, {
      cwd: this.options.cwd,
      env: spec.isolatedEnv ? spec.env : { ...process.env, ...spec.env },
      // With restarts, its own process group: Ctrl-C reaches the supervisor alone, which stops the
      // services and then PostgreSQL. The IPC channel tells a service that its supervisor is gone,
      // however it went.
      detached: this.options.restart,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('error', (error) => this.options.logger.error({ err: error, serviceName: service.spec.name }, 'could not run the service'));
    child.on('exit', (code, signal) => {
      if (service.running && !this.stopping) this.crashed(service, code, signal);
    });
    service.child = child;
    service.startedAt = Date.now();
    return child;
  }

  private crashed(service: Supervised, code: number | null, signal: NodeJS.Signals | null): void {
    const { name, healthUrl } = service.spec;
    if (!this.options.restart) {
      service.crash = howItEnded(code, signal);
      this.options.logger.error({ serviceName: name, code, signal }, `${name} stopped (${service.crash})`);
      return;
    }
    const delay = service.policy.delayAfterCrash(Date.now() - service.startedAt);
    this.options.logger.error(
      { serviceName: name, code, signal },
      `${name} stopped (${howItEnded(code, signal)}); restarting in ${delay / 1000} s`,
    );
    service.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      void this.announceWhenBack(this.launch(service), name, healthUrl);
    }, delay);
  }

  private async announceWhenBack(child: ChildProcess, name: string, healthUrl: string): Promise<void> {
    while (!this.stopping && child.exitCode === null && child.signalCode === null) {
      if (await healthy(healthUrl)) {
        this.options.logger.info({ serviceName: name }, `${name} is back`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
