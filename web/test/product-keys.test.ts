import { describe, expect, it } from 'vitest';
import { splitProductKeys } from '../src/pages/product-keys/keys.js';

const A = 'BCDFG-HJKMP-QRTVW-XY234-6789B';
const B = 'bcdfghjkmpqrtvwxy2346789c';

describe('splitProductKeys', () => {
  it('splits a pasted list on lines, commas, semicolons and tabs, keeping each key as typed', () => {
    expect(splitProductKeys(`${A}\n${B}\r\n, ;\t${A.toLowerCase()}\n\n`)).toEqual([A, B, A.toLowerCase()]);
  });

  it('cuts several keys pasted on one line with spaces at each 25 characters', () => {
    expect(splitProductKeys(`${A} ${B}`)).toEqual(['BCDFGHJKMPQRTVWXY2346789B', B]);
  });

  it('leaves a key typed with spaces between its groups whole, and anything malformed for the graph to judge', () => {
    expect(splitProductKeys('BCDFG HJKMP QRTVW XY234 6789B')).toEqual(['BCDFG HJKMP QRTVW XY234 6789B']);
    expect(splitProductKeys('not a key')).toEqual(['not a key']);
    expect(splitProductKeys('  \n , ')).toEqual([]);
  });
});
