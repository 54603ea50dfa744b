// Flat config: typescript-eslint's recommended rules for every workspace, React hooks rules for
// the plugins (as @grafana/create-plugin's config has); prettier owns layout.
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.cache/**', // local builds kept for A/B benches (git-ignored)
      '**/coverage/**',
      'e2e/screenshots/**',
      '**/.config/**',
      'reports/**',
      'dist-packages/**',
      '.demo/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.tsx', 'plugins/**/*.ts', 'e2e/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  }
);
