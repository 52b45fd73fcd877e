import type { Logger, SignedContext, Viewer } from '@partner-graph/platform';
import type { Acceptances } from './domain/acceptances.js';
import type { Catalogue } from './domain/catalogue.js';
import type { Invitations } from './domain/invitations.js';
import type { Loaders } from './loaders.js';

export interface Context {
  signed: SignedContext;
  viewer: Viewer;
  requestId: string;
  logger: Logger;
  loaders: Loaders;
  catalogue: Catalogue;
  invitations: Invitations;
  acceptances: Acceptances;
}
