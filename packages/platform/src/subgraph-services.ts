import type { SubgraphRuntime } from './service.js';

/**
 * How every subgraph wires its domain services (its `src/services.ts`): `build` runs once per
 * runtime, so the server, the workers and the tests that drive a service directly share one
 * instance (one job-queue attachment, one cache).
 */
export function servicesPerRuntime<T>(build: (runtime: SubgraphRuntime) => T): (runtime: SubgraphRuntime) => T {
  const built = new WeakMap<SubgraphRuntime, T>();
  return (runtime) => {
    if (!built.has(runtime)) built.set(runtime, build(runtime));
    return built.get(runtime)!;
  };
}
