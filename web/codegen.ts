import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * The dashboard's typed client, generated from the public API schema: `graphql()` returns typed
 * documents, fragments are masked (a component sees only the fields its own fragment asks
 * for), and every document gets a sha256 id in `persisted-documents.json`, the manifest the
 * gateway can be told to accept exclusively (PERSISTED_DOCUMENTS_ONLY).
 */
const config: CodegenConfig = {
  overwrite: true,
  schema: '../schema/api.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/__generated__/**'],
  ignoreNoDocuments: false,
  generates: {
    'src/__generated__/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: { unmaskFunctionName: 'getFragmentData' },
        persistedDocuments: { hashAlgorithm: 'sha256' },
      },
      config: {
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
      },
    },
  },
};
export default config;
