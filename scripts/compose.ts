import { writeFileSync } from 'node:fs';
import { composeSupergraph, SCHEMA_DIR } from './supergraph.js';

/** `npm run compose`: writes schema/supergraph.graphql and schema/api.graphql. */
const { supergraph, api } = composeSupergraph();
writeFileSync(new URL('supergraph.graphql', SCHEMA_DIR), supergraph);
writeFileSync(new URL('api.graphql', SCHEMA_DIR), api);
console.log('wrote schema/supergraph.graphql and schema/api.graphql');
