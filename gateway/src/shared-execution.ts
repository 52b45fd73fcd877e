import type { FormattedExecutionResult } from 'graphql';
import type { GatewayExecutionResult, GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import type { AnswerCache } from './answer-cache.js';
import type { GatewayContext } from './context.js';

/**
 * Identical queries in flight, executed once: a query that arrives while the same one (same
 * document, operation, variables) is being executed for the same token joins it and is answered
 * with its result; it still goes through parsing, validation, the query limits, the rate limit
 * and the viewer check on its own. Keyed on the forwarded token, so no one is answered with what
 * another user may see; mutations and subscriptions always run on their own. A dashboard opened
 * by many staff members, or reloaded, costs the gateway and the subgraphs one execution per
 * moment instead of one per request (Hive Gateway's `inboundInflightRequestDeduplication`).
 *
 * With the answer cache, a query whose every subgraph answer was PUBLIC keeps its whole result
 * for the partner's users with the same access (the cache's shared key), until the soonest of
 * those answers expires or anything changes: the next such user's request executes nothing.
 */
export function sharingIdenticalQueries(gateway: GatewayInterface, cache: AnswerCache | null = null): GatewayInterface {
  const inFlight = new Map<string, Promise<GatewayExecutionResult>>();
  const executeKeeping = (execute: GatewayExecutor, key: string | undefined): GatewayExecutor =>
    key === undefined
      ? execute
      : async (requestContext) => {
          const context = requestContext.context as Partial<GatewayContext>;
          const since = cache!.begin();
          const scope = (context.resultScope = { shared: true, expiresAt: Number.POSITIVE_INFINITY, bytes: 0 });
          const result = await execute(requestContext);
          if (!result.errors?.length) cache!.keepResult(key, result, scope, since);
          return result;
        };
  const shared =
    (execute: GatewayExecutor): GatewayExecutor =>
    (requestContext) => {
      const { operation, queryHash, request } = requestContext;
      if (operation.operation !== 'query') return execute(requestContext);
      const { authorization, viewer } = requestContext.context as Partial<GatewayContext>;
      const resultKey = cache?.keysFor(viewer, '', queryHash, request.variables, request.operationName ?? undefined)?.shared;
      const kept = resultKey === undefined ? undefined : cache!.findResult(resultKey);
      if (kept) return Promise.resolve(kept as GatewayExecutionResult);
      const key = `${authorization ?? ''}\n${queryHash}\n${request.operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`;
      let result = inFlight.get(key);
      if (!result) {
        result = executeKeeping(execute, resultKey)(requestContext);
        inFlight.set(key, result);
        const forget = () => inFlight.delete(key);
        result.then(forget, forget);
      }
      return result;
    };
  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
    load: async (options) => {
      const loaded = await gateway.load(options);
      return { ...loaded, executor: loaded.executor && shared(loaded.executor) };
    },
  };
}

/**
 * Apollo Server's `stringifyResult`: a result without errors or extensions is serialized once
 * however many joined requests it answers (the dashboard's list is ~40 KB of JSON); anything
 * else as Apollo Server does it.
 */
export function stringifyOnce(): (result: FormattedExecutionResult) => string {
  const serialized = new WeakMap<object, string>();
  return (result) => {
    const { data, ...rest } = result;
    if (!data || Object.values(rest).some((value) => value !== undefined)) return `${JSON.stringify(result)}\n`;
    let text = serialized.get(data);
    if (text === undefined) {
      text = `${JSON.stringify({ data })}\n`;
      serialized.set(data, text);
    }
    return text;
  };
}
