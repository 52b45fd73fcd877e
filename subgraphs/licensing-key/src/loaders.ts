import { In, type DataSource } from 'typeorm';
import { loaderById } from '@partner-graph/platform';
import { ProductKey, type ProductKeyRow } from './db/index.js';

export function createLoaders(db: DataSource) {
  return {
    productKey: loaderById<ProductKeyRow>((ids) => db.getRepository(ProductKey).findBy({ id: In(ids) })),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
