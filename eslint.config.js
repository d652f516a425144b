import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Library code takes process state (stdout, env, exit) from an injected context; only the CLI,
// tests, benchmarks and scripts touch the process directly.
const processStateRules = {
  'no-console': 'error',
  'no-restricted-properties': [
    'error',
    { object: 'process', property: 'exit', message: 'Return a status; only packages/cli maps it to an exit code.' },
    { object: 'process', property: 'env', message: 'Take env from the injected context.' },
  ],
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'results/**', '.cache/**', 'scenarios/schema.json', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts', 'scripts/*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/cli/src/**', '**/*.test.ts'],
    rules: processStateRules,
  },
);
