// ESLint (flat config): JavaScript's and typescript-eslint's recommended rules. Formatting is Prettier's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'coverage/', 'dist/', '.tools/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Plain Node scripts (the CLI's bin, examples/): Node's globals.
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
  // A client's errors belong to the client: lib/openai/ imports nothing of the HTTP layer.
  {
    files: ['lib/openai/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/http', '**/http/*', '**/lib/http/**'],
              message:
                'lib/openai/ must not import lib/http/: give the client its own error (lib/openai/errors.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    rules: {
      // With noUncheckedIndexedAccess, `!` after a checked index is the clearest way to say so.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
