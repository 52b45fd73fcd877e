import { describe, expect, it } from 'vitest';
import { decodeKeyset, encodeCursor, pageSize, toConnection } from '../src/index.js';
import { refusals } from '../../../test/refusals.js';

const ID = '6f1a0c3e-0000-4000-8000-000000000001';

describe('keyset pagination', () => {
  it('reads back the (key, id) a connection wrote', () => {
    const connection = toConnection(
      [
        { at: '2026-01-02T03:04:05.000Z', id: ID },
        { at: 'x', id: 'y' },
      ],
      1,
      (row) => [row.at, row.id],
    );
    expect(connection.pageInfo).toEqual({ hasNextPage: true, endCursor: connection.edges[0]!.cursor });
    expect(decodeKeyset(connection.pageInfo.endCursor, 'timestamp')).toEqual({ key: '2026-01-02T03:04:05.000Z', id: ID });
    expect(decodeKeyset(encodeCursor(['Business Standard', ID]), 'text')).toEqual({ key: 'Business Standard', id: ID });
    expect(decodeKeyset(null, 'text')).toBeNull();
  });

  it('refuses any other cursor as VALIDATION_FAILED on after', () => {
    const invalid = [{ code: 'VALIDATION_FAILED', field: 'after' }];
    expect(refusals(() => decodeKeyset('not base64 json', 'text'))).toEqual(invalid);
    expect(refusals(() => decodeKeyset(encodeCursor(['yesterday', ID]), 'timestamp'))).toEqual(invalid);
    expect(refusals(() => decodeKeyset(encodeCursor(['2026-01-02', 'not-a-uuid']), 'timestamp'))).toEqual(invalid);
    expect(refusals(() => decodeKeyset(encodeCursor([1, ID]), 'text'))).toEqual(invalid);
    expect(refusals(() => decodeKeyset(encodeCursor(['a', ID, 'extra']), 'text'))).toEqual(invalid);
  });

  it('takes 1 to 100 items a page, 20 by default', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(100)).toBe(100);
    for (const first of [0, 101, 1.5]) expect(refusals(() => pageSize(first))).toEqual([{ code: 'VALIDATION_FAILED', field: 'first' }]);
  });
});
