import type { BaseSubgraphContext } from '@partner-graph/platform';
import type { Acceptances } from './domain/acceptances.js';
import type { Catalogue } from './domain/catalogue.js';
import type { Invitations } from './domain/invitations.js';
import type { Loaders } from './loaders.js';

export interface Context extends BaseSubgraphContext {
  loaders: Loaders;
  catalogue: Catalogue;
  invitations: Invitations;
  acceptances: Acceptances;
}
