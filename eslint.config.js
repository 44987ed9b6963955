// Lint: typescript-eslint's recommended rules, plus the dependency direction of the
// design (federation/ imports nothing from node/ or client/; client/ never imports node/).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (...groups) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: groups.map((group) => ({
        group: [group],
        message: 'dependencies point one way: see docs/architecture.md',
      })),
    },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        crypto: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'no enums: use a union of literals' },
        { selector: 'ExportAllDeclaration', message: 'no export *: re-export by name' },
        { selector: 'ExportDefaultDeclaration', message: 'no default exports' },
      ],
    },
  },
  { files: ['federation/**'], rules: restrict('**/node/**', '**/client/**') },
  // Tests of client code run in Node (vitest) and may read fixtures from disk.
  { files: ['client/**'], ignores: ['client/**/*.test.ts'], rules: restrict('**/node/**', 'node:*') },
  { files: ['client/**/*.test.ts'], rules: restrict('**/node/**') },
  { files: ['eslint.config.js', 'vitest.config.ts'], rules: { 'no-restricted-syntax': 'off' } },
);
