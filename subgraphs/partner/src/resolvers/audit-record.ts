import { GraphQLScalarType } from 'graphql';
import type { AuditRecordResolvers } from '../__generated__/resolvers-types.js';

const parse = (value: string | null) => (value === null ? null : (JSON.parse(value) as unknown));

export const AuditRecord: AuditRecordResolvers = {
  user: async (record, _args, { loaders }) => {
    if (!record.userId) return null;
    const user = await loaders.user.load(record.userId);
    return user && user.partnerId === record.partnerId ? user : null;
  },
  oldValue: (record) => parse(record.oldValue),
  newValue: (record) => parse(record.newValue),
};

/** Any JSON value, passed through as is. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
});
