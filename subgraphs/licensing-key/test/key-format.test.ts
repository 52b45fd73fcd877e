import { describe, expect, it } from 'vitest';
import {
  formatProductKey,
  generateProductKey,
  hashProductKey,
  KEY_ALPHABET,
  maskProductKey,
  normaliseProductKey,
} from '../src/domain/key-format.js';

describe('product key format', () => {
  it('generates 25 characters of the alphabet, shown as five groups of five', () => {
    for (let i = 0; i < 200; i++) {
      const key = generateProductKey();
      expect(key).toMatch(/^[BCDFGHJKMPQRTVWXY2346789]{25}$/);
      expect(formatProductKey(key)).toMatch(/^([BCDFGHJKMPQRTVWXY2346789]{5}-){4}[BCDFGHJKMPQRTVWXY2346789]{5}$/);
    }
  });

  it('generates distinct keys using the whole alphabet', () => {
    const keys = new Set(Array.from({ length: 2000 }, generateProductKey));
    expect(keys.size).toBe(2000);
    const used = new Set([...keys].join(''));
    expect([...used].sort().join('')).toBe([...KEY_ALPHABET].sort().join(''));
  });

  it('accepts any case, with or without hyphens or spaces', () => {
    const key = generateProductKey();
    const formatted = formatProductKey(key);
    for (const typed of [
      key,
      formatted,
      formatted.toLowerCase(),
      formatted.replace(/-/g, ' '),
      ` ${key.toLowerCase().slice(0, 12)} - ${key.slice(12)} `,
    ]) {
      expect(normaliseProductKey(typed)).toEqual({ ok: true, key });
    }
  });

  it.each([
    ['', 'Enter a product key'],
    ['BCDFG-HJKMP-QRTVW-XY234-6789', '25 characters'],
    ['BCDFG-HJKMP-QRTVW-XY234-67899B', '25 characters'],
    ['BCDFG-HJKMP-QRTVW-XY234-6789A', '"A"'],
    ['BCDFG-HJKMP-QRTVW-XY234-67890', '"0"'],
    ['BCDFG_HJKMP_QRTVW_XY234_67899', '"_"'],
  ])('%j is malformed with a clear message', (typed, says) => {
    const result = normaliseProductKey(typed);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(says);
  });

  it('stores a hash that does not contain the key, and masks all but the last five', () => {
    const key = generateProductKey();
    const hash = hashProductKey(key);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(hashProductKey(normaliseProductKey(formatProductKey(key).toLowerCase()).ok ? key : ''));
    expect(hash.toUpperCase()).not.toContain(key.slice(0, 5));
    expect(maskProductKey(key.slice(-5))).toBe(`XXXXX-XXXXX-XXXXX-XXXXX-${key.slice(-5)}`);
  });
});
