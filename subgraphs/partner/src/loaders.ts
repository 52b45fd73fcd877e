import { In, type DataSource } from 'typeorm';
import { loaderById } from '@partner-graph/platform';
import { Partner, PartnerUser, type PartnerRow, type PartnerUserRow } from './db/index.js';

export function createLoaders(db: DataSource) {
  return {
    partner: loaderById<PartnerRow>((ids) => db.getRepository(Partner).findBy({ id: In(ids) })),
    user: loaderById<PartnerUserRow>((ids) => db.getRepository(PartnerUser).findBy({ id: In(ids) })),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
