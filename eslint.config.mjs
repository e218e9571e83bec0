// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import jest from 'eslint-plugin-jest';

/** Node's CommonJS globals, for the few plain .cjs launchers that must run before anything is compiled. */
const nodeCommonJs = {
  require: 'readonly', module: 'writable', __dirname: 'readonly', __filename: 'readonly',
  process: 'readonly', console: 'readonly', Buffer: 'readonly',
};

export default tseslint.config(
  { ignores: ['imports/**', 'build/**', 'dist/**', 'node_modules/**', 'coverage/**', 'examples/**/node_modules/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests keep asserting: every test calls expect (or a helper below that does), never only in a branch,
    // never on a value whose type already rules out what it checks (`toBeDefined` on a function that returns
    // or throws), and none is skipped (also not as `cond ? describe : describe.skip`) or focused. The rest of
    // the plugin's recommended set applies as is.
    files: ['test/**/*.ts'],
    ...jest.configs['flat/recommended'],
    languageOptions: {
      ...jest.configs['flat/recommended'].languageOptions,
      // type information for jest/no-unnecessary-assertion
      parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/expect-expect': ['error', {
        // The suite's own assertion helpers (each calls expect).
        assertFunctionNames: ['expect', 'expectNothingLeft', 'nothingCreated', 'proveReadiness'],
      }],
      'jest/no-conditional-expect': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/no-focused-tests': 'error',
      'jest/no-identical-title': 'error',
      'jest/valid-expect': 'error',
      'jest/no-commented-out-tests': 'error',
      'jest/no-unnecessary-assertion': 'error',
      'no-restricted-properties': ['error', ...['describe', 'test', 'it'].map((object) => ({
        object, property: 'skip', message: 'a test that skips itself passes without asserting: fail instead (e.g. when an input is missing)',
      }))],
    },
  },
  {
    // The published tool packages: they import the library as `mini-atlas` and each other by package
    // name, never by a path out of their own folder (which would not exist once installed).
    files: ['tools/validate/**/*.ts', 'tools/cli-common/**/*.ts', 'tools/synth/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{
        group: ['../*', '!./*'],
        message: 'a published package imports only its own files (./), the library as mini-atlas, and @mini-atlas/* packages',
      }] }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: nodeCommonJs },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
