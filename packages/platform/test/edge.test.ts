import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError, parse, print, type OperationDefinitionNode } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { isUnavailable, maskErrors } from '../src/edge.js';
import { DomainError, ServiceUnavailableError } from '../src/errors.js';
import { operationLabels } from '../src/metrics.js';
import { SUBGRAPHS, type SubgraphName } from '../src/config.js';
import { isReadOnly, ServiceClient, withOneRetry } from '../src/service-client.js';
import { AcceptPartnerEventsDocument, PartnerAdvisorCodeDocument } from '../src/service-documents.js';
import { gatewayOnlyFieldIn } from '../src/subgraph-server.js';

const silent = pino({ level: 'silent' });
const mask = maskErrors(silent, 'customer');
const wrapped = (original: Error) => new GraphQLError(original.message, { path: ['customers'], originalError: original });

describe('what a client may see of an error', () => {
  it('a DomainError escaping a query is BAD_USER_INPUT naming the argument', () => {
    const error = wrapped(new DomainError('VALIDATION_FAILED', 'first must be between 1 and 100', 'first'));
    expect(mask({ message: error.message, path: ['customers'] }, error)).toEqual({
      message: 'first must be between 1 and 100',
      path: ['customers'],
      locations: undefined,
      extensions: { code: 'BAD_USER_INPUT', argument: 'first' },
    });
  });

  it('a database or service that does not answer is SERVICE_UNAVAILABLE, without the cause', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
    const typeorm = Object.assign(new Error('Connection terminated unexpectedly'), {
      driverError: new Error('Connection terminated unexpectedly'),
    });
    for (const original of [
      refused,
      typeorm,
      Object.assign(new Error('x'), { code: '57P01' }),
      Object.assign(new Error('y'), { code: '08006' }),
      new ServiceUnavailableError('offer', refused),
    ]) {
      const error = wrapped(original);
      const formatted = mask({ message: error.message, path: ['customers'] }, error);
      expect(formatted.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', serviceName: 'customer' });
      expect(formatted.message).not.toMatch(/10\.0\.0\.5|ECONN|terminated/);
    }
    expect(isUnavailable(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }))).toBe(false);
  });

  it('a public code keeps its message and only public extensions; anything else is masked', () => {
    const leaky = {
      message: 'Authentication required',
      extensions: {
        code: 'UNAUTHENTICATED',
        response: { url: 'http://10.0.0.5:4001/graphql', body: '…' },
        serviceName: 'partner',
        stacktrace: ['at x.ts:1'],
      },
    };
    expect(mask(leaky, new GraphQLError('x'))).toEqual({
      message: 'Authentication required',
      path: undefined,
      locations: undefined,
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const bug = wrapped(new Error('SELECT * FROM customer failed'));
    expect(mask({ message: bug.message }, bug)).toEqual({
      message: 'Internal server error',
      path: undefined,
      locations: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
});

describe('the gateway-only guard', () => {
  const fieldIn = (source: string) => {
    const document = parse(source);
    return gatewayOnlyFieldIn(document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode, document);
  };
  it('finds _entities and _service through inline and named fragments, and survives fragment cycles', () => {
    expect(fieldIn('{ _service { sdl } }')).toBe('_service');
    expect(fieldIn('query($r: [_Any!]!) { ... on Query { _entities(representations: $r) { __typename } } }')).toBe('_entities');
    expect(fieldIn('{ ...A } fragment A on Query { ... on Query { ...B } } fragment B on Query { _service { sdl } }')).toBe('_service');
    expect(fieldIn('{ ...A } fragment A on Query { ...A me { id } }')).toBeNull();
    expect(fieldIn('{ customer(id: "1") { _service: id } }')).toBeNull();
  });
});

describe('metrics labels', () => {
  it('keep the first well-formed operation names and count the rest as other', () => {
    const label = operationLabels(3);
    expect(['A', 'B', 'A', 'C', 'D', 'A'].map(label)).toEqual(['A', 'B', 'A', 'C', 'other', 'A']);
    expect(label(null)).toBe('anonymous');
    expect(operationLabels()('x'.repeat(500))).toBe('other');
    expect(operationLabels()('Bad name')).toBe('other');
  });
});

describe('service calls', () => {
  it('only read-only documents are retried, once, and only when the connection failed', async () => {
    expect(isReadOnly('query Q { a }')).toBe(true);
    expect(isReadOnly('  { a }')).toBe(true);
    expect(isReadOnly('mutation M { a }')).toBe(false);
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) });
    const attempts = (results: (Error | string)[]) => {
      let n = 0;
      return {
        send: async () => {
          const r = results[n++]!;
          if (r instanceof Error) throw r;
          return r;
        },
        count: () => n,
      };
    };
    const signal = new AbortController().signal;
    const read = attempts([refused, 'ok']);
    await expect(withOneRetry(read.send, true, signal)).resolves.toBe('ok');
    expect(read.count()).toBe(2);
    const write = attempts([refused, 'ok']);
    await expect(withOneRetry(write.send, false, signal)).rejects.toBe(refused);
    expect(write.count()).toBe(1);
    const timeout = attempts([new DOMException('timed out', 'TimeoutError'), 'ok']);
    await expect(withOneRetry(timeout.send, true, signal)).rejects.toThrow('timed out');
    expect(timeout.count()).toBe(1);
  });

  it('a generated document is sent as its printed text; a query is retried when its connection dropped, a mutation is not', async () => {
    const received: unknown[] = [];
    let drops = 0;
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push(JSON.parse(body));
        if (drops > 0) {
          drops--;
          request.socket.destroy();
          return;
        }
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ data: { partnerAdvisorCode: 'CONTOSO-ADV' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
      const client = new ServiceClient({
        issuer: 'test',
        secret: 'a-test-secret-of-at-least-32-chars!',
        urls: Object.fromEntries(SUBGRAPHS.map((name) => [name, url])) as Record<SubgraphName, string>,
      });
      const as = { viewer: { kind: 'system' as const }, requestId: 'edge-test' };

      drops = 1;
      const answer = await client.call('partner', PartnerAdvisorCodeDocument, { partnerId: 'p1' }, as);
      expect(answer.partnerAdvisorCode).toBe('CONTOSO-ADV');
      expect(received).toEqual([1, 2].map(() => ({ query: print(PartnerAdvisorCodeDocument), variables: { partnerId: 'p1' } })));

      drops = 1;
      await expect(client.call('partner', AcceptPartnerEventsDocument, { events: [] }, as)).rejects.toBeInstanceOf(ServiceUnavailableError);
      expect(received).toHaveLength(3);
    } finally {
      server.close();
    }
  });
});
