import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { buildSchema, getNamedType, isInputObjectType, isInterfaceType, isObjectType, isUnionType, type GraphQLNamedType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AUDIT_TRAIL_FIELD, AUDIT_TRAIL_SDL, ERROR_CODES, SUBGRAPHS } from '@partner-graph/platform';
import { composeSupergraph } from '../scripts/supergraph.js';

const root = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('checked-in schemas', () => {
  it('schema/supergraph.graphql and schema/api.graphql match a fresh composition (run `npm run compose`)', () => {
    const { supergraph, api } = composeSupergraph();
    expect(read('schema/supergraph.graphql')).toBe(supergraph);
    expect(read('schema/api.graphql')).toBe(api);
  });

  it('the API schema has no Subscription root type and no internal fields', () => {
    const api = read('schema/api.graphql');
    expect(api).not.toMatch(/^type Subscription\b/m);
    expect(api).not.toMatch(/viewerContext|offerAvailability|partnerContact|customerAccess\(|provisionSubscription|createCustomerAccount/);
  });

  // A type that no client operation can reach (an input of a service-to-service field that was
  // not marked @inaccessible, say) is internal and has leaked into the client API.
  it('every type of the API schema is reachable from its root types', () => {
    const schema = buildSchema(read('schema/api.graphql'));
    const reached = new Set<string>();
    const visit = (type: GraphQLNamedType): void => {
      if (reached.has(type.name)) return;
      reached.add(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          visit(getNamedType(field.type));
          for (const argument of field.args) visit(getNamedType(argument.type));
        }
        for (const implemented of type.getInterfaces()) visit(implemented);
      }
      if (isInterfaceType(type) || isUnionType(type)) for (const possible of schema.getPossibleTypes(type)) visit(possible);
      if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) visit(getNamedType(field.type));
    };
    for (const rootType of [schema.getQueryType(), schema.getMutationType()]) if (rootType) visit(rootType);
    const unreachable = Object.keys(schema.getTypeMap()).filter((name) => !name.startsWith('__') && !reached.has(name));
    expect(unreachable).toEqual([]);
  });

  it.each(SUBGRAPHS.filter((name) => existsSync(path.join(root, 'subgraphs', name, 'codegen.ts'))))(
    '%s resolver types match its schema.graphql (run `npm run codegen`)',
    async (name) => {
      const dir = path.join(root, 'subgraphs', name);
      const { default: config } = await import(path.join(dir, 'codegen.ts'));
      const [output] = await generate({ ...config, cwd: dir, silent: true }, false);
      expect(read(`subgraphs/${name}/src/__generated__/resolvers-types.ts`)).toBe(output.content);
    },
  );

  it.each(SUBGRAPHS)("%s declares every platform error code in its ErrorCode enum", (name) => {
    const sdl = read(`subgraphs/${name}/schema.graphql`);
    const match = /enum ErrorCode \{([^}]*)\}/.exec(sdl);
    if (!match) return; // a subgraph without mutations has no payload errors
    expect(match[1]!.split(/\s+/).filter(Boolean).sort()).toEqual([...ERROR_CODES].sort());
  });

  it.each(SUBGRAPHS)('%s declares the internal audit trail exactly as the platform serves it', (name) => {
    const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
    const sdl = squash(read(`subgraphs/${name}/schema.graphql`));
    expect(sdl).toContain(squash(AUDIT_TRAIL_FIELD));
    for (const block of AUDIT_TRAIL_SDL.trim().split(/\n(?=input |type )/)) expect(sdl).toContain(squash(block));
  });
});
