import { runSubgraph } from '@partner-graph/platform/service';
import { partnerSubgraph } from './server.js';

await runSubgraph(partnerSubgraph);
