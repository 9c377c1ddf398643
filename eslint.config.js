// Lint config: the recommended JS and TypeScript rules, plus the few that catch real bugs
// in async-heavy code (floating promises are how a sync loses a batch silently).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.stack/**', '.venv/**', 'test-output/**', 'coverage/**', 'src/monitor/assets/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // mongosh scripts run inside the mongo shell, which provides these globals.
    files: ['deploy/mongo/**/*.js'],
    languageOptions: { globals: { print: 'readonly', sleep: 'readonly', Mongo: 'readonly', db: 'writable', rs: 'readonly', printjson: 'readonly' } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
);
