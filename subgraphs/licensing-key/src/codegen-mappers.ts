export type { ProductKeyRow, RedemptionRow } from './db/entities.js';
export type { ProductKeyValidationView } from './domain/rules.js';
