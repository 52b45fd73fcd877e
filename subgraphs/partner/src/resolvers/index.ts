import type { Resolvers } from '../__generated__/resolvers-types.js';
import { AuditRecord, JSONScalar } from './audit-record.js';
import { Mutation } from './mutation.js';
import { Partner } from './partner.js';
import { PartnerUser } from './partner-user.js';
import { Query } from './query.js';
import { WebhookEndpoint } from './webhook-endpoint.js';

export const resolvers: Resolvers = { Query, Mutation, Partner, PartnerUser, AuditRecord, WebhookEndpoint, JSON: JSONScalar };
