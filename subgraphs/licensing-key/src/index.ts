import { runSubgraph } from '@partner-graph/platform/service';
import { licensingKeySubgraph } from './server.js';

await runSubgraph(licensingKeySubgraph);
