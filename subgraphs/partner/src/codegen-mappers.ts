export type { PartnerRow, PartnerUserRow } from './db/entities.js';
