import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

/** The lines a logger writes, parsed. */
function capture(): { lines: Record<string, unknown>[]; write(line: string): void } {
  const lines: Record<string, unknown>[] = [];
  return { lines, write: (line) => void lines.push(JSON.parse(line)) };
}

describe('log lines', () => {
  it('never show credentials, variables, SQL parameters or a raw body', () => {
    const out = capture();
    const logger = createLogger('test', 'info', out);
    const failed = Object.assign(new Error('duplicate key value violates unique constraint'), {
      query: 'INSERT INTO offer_acceptance (code_hash) VALUES ($1)',
      parameters: ['delegated-admin-code-0123456789'],
      body: '{"password":"hunter2-the-password"}',
    });
    logger.error({ err: failed, path: ['acceptDelegatedAdminOffer'] }, 'internal error');
    logger.child({ requestId: 'r-1' }).warn(
      {
        req: {
          headers: {
            authorization: 'Bearer the-users-token',
            cookie: 'sid=the-cookie',
            'x-partner-graph-context': 'the-service-jwt',
            'x-partner-graph-router-token': 'the-router-credential',
            accept: 'application/json',
          },
        },
        variables: { code: 'the-code', password: 'the-password' },
      },
      'refused',
    );
    logger.info(
      {
        input: {
          temporaryPassword: 'the-temporary-password',
          token: 'the-token',
          secret: 'the-secret',
          signingSecret: 'whsec_the-signing-secret',
        },
      },
      'created',
    );
    const written = JSON.stringify(out.lines);
    for (const secret of [
      'delegated-admin-code',
      'hunter2',
      'the-users-token',
      'the-cookie',
      'the-service-jwt',
      'the-router-credential',
      'the-code',
      'the-password',
      'the-temporary-password',
      'the-token',
      'the-secret',
      'the-signing-secret',
    ]) {
      expect(written).not.toContain(secret);
    }
    // What helps to find the fault stays.
    expect(out.lines[0]).toMatchObject({
      msg: 'internal error',
      path: ['acceptDelegatedAdminOffer'],
      err: {
        message: 'duplicate key value violates unique constraint',
        query: 'INSERT INTO offer_acceptance (code_hash) VALUES ($1)',
        parameters: '[redacted]',
      },
    });
    expect(out.lines[1]).toMatchObject({
      requestId: 'r-1',
      req: { headers: { accept: 'application/json', authorization: '[redacted]' } },
      variables: '[redacted]',
    });
  });
});
