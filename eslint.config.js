// ESLint with typescript-eslint's type-aware rules; formatting is Prettier's (eslint-config-prettier turns off
// the rules it owns). Run by `npm test` through `npm run lint`.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Type-aware rules for the code that runs in production, where an unawaited promise or a promise passed where
 * a callback belongs is a real bug; they cost a full type-check, so tests and tools get the syntactic rules.
 */
const typeAware = {
  files: ['src/**/*.ts', 'dialogs/**/*.ts'],
  languageOptions: { parserOptions: { project: './tsconfig.build.json', tsconfigRootDir: import.meta.dirname } },
  rules: {
    '@typescript-eslint/no-floating-promises': 'error',
    '@typescript-eslint/no-misused-promises': 'error',
    '@typescript-eslint/await-thenable': 'error',
    '@typescript-eslint/no-unnecessary-type-assertion': 'error',
    '@typescript-eslint/only-throw-error': 'error',
    '@typescript-eslint/prefer-promise-reject-errors': 'error',
    '@typescript-eslint/no-base-to-string': 'error',
    '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
  },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'vendor/', 'coverage/', 'test/e2e/screenshots/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  typeAware,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // "No `any` without a comment saying why": an exception is an eslint-disable comment with its reason.
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Comments and strings are not Prettier's to wrap: keep every line readable without scrolling.
      'max-len': ['error', { code: 140, ignoreUrls: true, ignoreRegExpLiterals: true, ignoreStrings: true, ignoreTemplateLiterals: true }],
    },
  },
  {
    // Tests read JSON answers whose shape is what they assert, field by field: typing each one first would only
    // restate the assertions.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The browser pages: plain JavaScript checked by tsconfig.web.json, run in the browser.
    files: ['src/web/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },
  prettier,
);
