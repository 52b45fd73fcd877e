import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { ApolloGateway } from '@apollo/gateway';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { DateTimeResolver } from 'graphql-scalars';
import { GraphQLError, GraphQLScalarType, visit, type GraphQLFormattedError, type ValidationContext } from 'graphql';
import { maskErrors, type Logger } from '@partner-graph/platform';

/** The query limits: depth, aliases, directives, cost, tokens. */
export const LIMITS = { maxDepth: 12, maxAliases: 30, maxDirectives: 50, maxCost: 20_000, maxTokens: 5_000 } as const;

/**
 * graphql-armor's limits, each rejection a validation error (HTTP 400) marked with the limit
 * it hit; the token limit is graphql-js's own parser option (armor's token plugin throws while
 * Apollo parses, which Apollo answers with HTTP 500).
 */
export function queryLimits(options: { suggestions: boolean }) {
  const reject = (limit: string) => ({
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { limit } })),
    ],
  });
  const armor = new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth, ...reject('maxDepth') },
    maxAliases: { n: LIMITS.maxAliases, ...reject('maxAliases') },
    costLimit: { maxCost: LIMITS.maxCost, ...reject('maxCost') },
    maxDirectives: { n: LIMITS.maxDirectives, ...reject('maxDirectives') },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: !options.suggestions },
  }).protect();
  return { plugins: armor.plugins, validationRules: armor.validationRules, parseOptions: { maxTokens: LIMITS.maxTokens } };
}

// graphql-js 16 says "more that".
const TOKEN_LIMIT = /^Syntax Error: Document contains more th\w+ \d+ tokens/;
const LITERAL_MISTAKE = /^Expected value of type|cannot represent/;

/**
 * The gateway's answer to the client: limit rejections are QUERY_LIMIT_EXCEEDED, a bad literal
 * argument is BAD_USER_INPUT naming the argument, then the platform's masking.
 */
export function gatewayFormatError(logger: Logger) {
  const mask = maskErrors(logger, 'gateway');
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const extensions = formatted.extensions ?? {};
    if (extensions.limit) return mask({ ...formatted, extensions: { ...extensions, code: 'QUERY_LIMIT_EXCEEDED' } }, error);
    if (extensions.code === 'GRAPHQL_PARSE_FAILED' && TOKEN_LIMIT.test(formatted.message)) {
      return mask(
        {
          ...formatted,
          message: `The document has more than ${LIMITS.maxTokens} tokens`,
          extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit: 'maxTokens' },
        },
        error,
      );
    }
    if (extensions.code === 'GRAPHQL_VALIDATION_FAILED' && extensions.argument !== undefined)
      return mask({ ...formatted, extensions: { ...extensions, code: 'BAD_USER_INPUT' } }, error);
    return mask(formatted, error);
  };
}

/**
 * Names the argument of a literal that does not fit its type (`first: "x"`, a DateTime that is
 * not one): graphql-js reports the value; the client wants to know which argument.
 */
export const nameMistakenArguments: ApolloServerPlugin<BaseContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ document, errors }) {
        if (!document) return;
        for (const error of errors) {
          const at = error.nodes?.[0]?.loc?.start;
          if (at === undefined || !LITERAL_MISTAKE.test(error.message) || error.extensions.code !== 'GRAPHQL_VALIDATION_FAILED') continue;
          visit(document, {
            Argument(node) {
              if (node.loc && node.loc.start <= at && at < node.loc.end)
                (error.extensions as Record<string, unknown>).argument = node.name.value;
            },
          });
        }
      },
    };
  },
};

/**
 * One UNAUTHENTICATED error, on the first top-level field that needed a viewer, however many
 * fields (or list items) asked for one.
 */
export const oneUnauthenticated: ApolloServerPlugin<BaseContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const errors = response.body.singleResult.errors;
        const first = errors?.find((error) => error.extensions?.code === 'UNAUTHENTICATED');
        if (!errors || !first) return;
        const others = errors.filter((error) => error.extensions?.code !== 'UNAUTHENTICATED');
        response.body.singleResult.errors = [
          { message: first.message, path: first.path?.slice(0, 1), extensions: { code: 'UNAUTHENTICATED' } },
          ...others,
        ];
      },
    };
  },
};

/**
 * The supergraph declares custom scalars without an implementation; give the client schema the
 * same validation the subgraphs apply (graphql-scalars), so a bad value is refused up front.
 */
export function implementScalars(gateway: ApolloGateway): void {
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
    const dateTime = apiSchema.getType('DateTime');
    if (dateTime instanceof GraphQLScalarType || (dateTime && 'parseLiteral' in dateTime)) {
      Object.assign(dateTime, { parseValue: DateTimeResolver.parseValue, parseLiteral: DateTimeResolver.parseLiteral });
    }
  });
}
