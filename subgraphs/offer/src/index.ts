import { runSubgraph } from '@partner-graph/platform/service';
import { offerSubgraph } from './server.js';

await runSubgraph(offerSubgraph);
