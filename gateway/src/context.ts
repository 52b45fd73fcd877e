import type { BaseContext } from '@apollo/server';
import type { Viewer } from '@partner-graph/platform';
import type { ResultScope } from './answer-cache.js';

/** What the gateway knows of a request while it plans and runs it. */
export interface GatewayContext extends BaseContext {
  viewer: Viewer;
  requestId: string;
  /** The client's address (the socket's, or X-Forwarded-For's past TRUST_PROXY_HOPS proxies). */
  clientAddress: string;
  /** The client's `Authorization` header, forwarded to every subgraph (which authenticates the user itself). */
  authorization?: string;
  /** Set while a query executes: whether its whole result may be kept for the partner's users alike (`AnswerCache`). */
  resultScope?: ResultScope;
}
