import { runSubgraph } from '@partner-graph/platform/service';
import { customerSubgraph } from './server.js';

await runSubgraph(customerSubgraph);
