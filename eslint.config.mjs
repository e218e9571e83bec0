// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: nodeCommonJs },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
