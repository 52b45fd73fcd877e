import { runSubgraph } from '@partner-graph/platform/service';
import { subscriptionSubgraph } from './server.js';

await runSubgraph(subscriptionSubgraph);
