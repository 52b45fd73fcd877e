import { runSubgraph } from '@partner-graph/platform/service';
import { createPartnerServer, entities, migrations } from './server.js';

await runSubgraph('partner', { entities, migrations }, ({ db, config, logger }) =>
  createPartnerServer({ db, secret: config.INTERNAL_SIGNING_SECRET, logger }),
);
