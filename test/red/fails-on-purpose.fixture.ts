import { expect, inject, test } from 'vitest';
import '../provided-context.js';

test('a failing assertion', () => {
  expect(inject('databaseServerUrl')).toMatch(/^postgres/);
  expect(1).toBe(2);
});

test('a test that times out', () => new Promise(() => {}), 50);
