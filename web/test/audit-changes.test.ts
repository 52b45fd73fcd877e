import { describe, expect, it } from 'vitest';
import { fieldChanges } from '../src/pages/partner/changes.js';

describe('fieldChanges (the audit trail’s change column)', () => {
  it('lists what an update changed, field by field, from → to', () => {
    expect(fieldChanges({ quantity: 10, status: 'ACTIVE', version: 3 }, { quantity: 12, status: 'ACTIVE', version: 4 })).toEqual([
      { field: 'quantity', from: '10', to: '12' },
      { field: 'version', from: '3', to: '4' },
    ]);
  });

  it('lists a creation’s values, and a deletion’s', () => {
    expect(fieldChanges(null, { companyName: 'Fourth Coffee', address: { city: 'Paris' } })).toEqual([
      { field: 'companyName', from: undefined, to: 'Fourth Coffee' },
      { field: 'address', from: undefined, to: 'city: Paris' },
    ]);
    expect(fieldChanges({ status: 'ACTIVE' }, null)).toEqual([{ field: 'status', from: 'ACTIVE', to: undefined }]);
  });

  it('writes lists and records inside a value readably, not as JSON', () => {
    const lines = [
      { offerId: 'basic', quantity: 10 },
      { offerId: 'e3', quantity: 2, note: null },
    ];
    expect(fieldChanges(null, { lines, tags: ['a', 'b'] })).toEqual([
      { field: 'lines', from: undefined, to: '(offerId: basic, quantity: 10); (offerId: e3, quantity: 2)' },
      { field: 'tags', from: undefined, to: 'a; b' },
    ]);
  });

  it('shows a value that is not a record as one change', () => {
    expect(fieldChanges('PENDING', 'ACTIVE')).toEqual([{ field: '', from: 'PENDING', to: 'ACTIVE' }]);
    expect(fieldChanges(null, null)).toEqual([]);
  });
});
