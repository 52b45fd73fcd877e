import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type GraphQLNamedType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { readSubgraphSchema, SUBGRAPHS, withSharedTypeDefs } from '@partner-graph/platform';
import { composeSupergraph } from '../scripts/supergraph.js';

const root = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('checked-in schemas', () => {
  it('schema/supergraph.graphql and schema/api.graphql match a fresh composition (run `npm run compose`)', () => {
    const { supergraph, api } = composeSupergraph();
    expect(read('schema/supergraph.graphql')).toBe(supergraph);
    expect(read('schema/api.graphql')).toBe(api);
  });

  it('the API schema has no Subscription root type', () => {
    expect(read('schema/api.graphql')).not.toMatch(/^type Subscription\b/m);
  });

  // What a subgraph marks @inaccessible (a type, a field, an argument, an enum value) is for
  // services only: it is not in the client API under any case of its name (`Type`, `Type.field`,
  // `Type.field(argument:)`, `Enum.VALUE`).
  it('nothing a subgraph marks @inaccessible reaches the API schema', () => {
    const internal = new Set<string>();
    const inaccessible = (node: { directives?: readonly { name: { value: string } }[] }) =>
      node.directives?.some((d) => d.name.value === 'inaccessible');
    for (const name of SUBGRAPHS) {
      const sdl = withSharedTypeDefs(readSubgraphSchema(new URL(`../subgraphs/${name}/schema.graphql`, import.meta.url)));
      for (const definition of sdl.definitions) {
        if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
        const type = definition.name.value;
        if (inaccessible(definition)) internal.add(type);
        const fields = 'fields' in definition ? (definition.fields ?? []) : 'values' in definition ? (definition.values ?? []) : [];
        for (const field of fields) {
          if (inaccessible(field)) internal.add(`${type}.${field.name.value}`);
          for (const argument of 'arguments' in field ? (field.arguments ?? []) : []) {
            if (inaccessible(argument)) internal.add(`${type}.${field.name.value}(${argument.name.value}:)`);
          }
        }
      }
    }
    expect(internal).toContain('ProvisionSubscriptionInput');
    const api = buildSchema(read('schema/api.graphql'));
    const coordinates = new Set<string>();
    for (const type of Object.values(api.getTypeMap())) {
      coordinates.add(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          coordinates.add(`${type.name}.${field.name}`);
          for (const argument of 'args' in field ? field.args : []) coordinates.add(`${type.name}.${field.name}(${argument.name}:)`);
        }
      }
      if (isEnumType(type)) for (const value of type.getValues()) coordinates.add(`${type.name}.${value.name}`);
    }
    const inApi = new Set([...coordinates].map((coordinate) => coordinate.toLowerCase()));
    expect([...internal].filter((coordinate) => inApi.has(coordinate.toLowerCase()))).toEqual([]);
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

  // The platform's codegen also validates every service document against its callee's schema:
  // a field the callee renamed or dropped fails here, before any service calls it.
  const generatedFromSdl = [...SUBGRAPHS.map((name) => `subgraphs/${name}`), 'packages/platform'].filter((dir) =>
    existsSync(path.join(root, dir, 'codegen.ts')),
  );
  it.each(generatedFromSdl)(
    '%s: the generated types match the SDL and the service documents (run `npm run codegen`)',
    async (workspace) => {
      const dir = path.join(root, workspace);
      const { default: config } = await import(path.join(dir, 'codegen.ts'));
      const outputs = await generate({ ...config, cwd: dir, silent: true }, false);
      for (const output of outputs) expect(read(path.join(workspace, output.filename))).toBe(output.content);
    },
  );

  it('a service document is validated against its own callee only', async () => {
    const dir = path.join(root, 'packages/platform');
    const { default: config } = await import(path.join(dir, 'codegen.ts'));
    const output = 'src/__generated__/service-documents/customer.ts';
    expect(config.generates[output].documents).toEqual(['src/service-documents/customer.graphql']);
    // What the offer subgraph answers, sent to the customer subgraph: its schema has no such field.
    const misaddressed = { [output]: { ...config.generates[output], documents: ['src/service-documents/offer.graphql'] } };
    await expect(generate({ ...config, generates: misaddressed, cwd: dir, silent: true }, false)).rejects.toThrow(
      'Cannot query field "offerAvailability" on type "Query"',
    );
  });
});
