// @ts-check
import tseslint from 'typescript-eslint';

// The type-aware rules that catch what the compiler lets through: a promise nobody awaits or
// handles (an unhandled rejection kills a Node process), and a promise where a plain value or
// callback is expected (an `if (promise)` that is always true, an async handler whose rejection
// nobody sees). Style is the formatter's business (Prettier), not the linter's.
export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/__generated__/**', '.data/**', '.turbo/**', 'test/red/**', '**/codegen.ts'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // A React event handler's return value is ignored, and the dashboard's async handlers report
    // their failures through the mutation's state: an async onClick is not a lost promise.
    files: ['web/src/**/*.tsx'],
    rules: { '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }] },
  },
);
