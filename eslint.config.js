import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'go/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Scripts under scripts/ run on Node directly.
    files: ['scripts/**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // The layers (house-style.md): imports point down only, and only src/runtime reaches the
  // engine, SSH or child processes.
  ...layer('src/core/**', ['runtime', 'provision', 'lab', 'chaos', 'ui', 'cli']),
  ...layer('src/runtime/**', ['provision', 'lab', 'chaos', 'ui', 'cli'], { engine: true }),
  ...layer('src/provision/**', ['runtime', 'lab', 'chaos', 'ui', 'cli']),
  ...layer('src/lab/**', ['chaos', 'ui', 'cli']),
  ...layer('src/chaos/**', ['ui', 'cli']),
  ...layer('src/ui/**', ['cli']),
  ...layer('src/cli/**', []),
);

/** An eslint block for one layer: the layers above it, and the engine libraries, are off limits. */
function layer(files, above, { engine = false } = {}) {
  const engineLibraries = ['dockerode', 'execa', 'ssh2', 'testcontainers'];
  return [
    {
      files: [files],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            paths: engine
              ? []
              : engineLibraries.map((name) => ({
                  name,
                  message: 'only src/runtime reaches the engine, SSH or child processes',
                })),
            patterns: above.map((folder) => ({
              group: [`**/${folder}/*`],
              message: `imports point down only: ${files.split('/')[1]} may not import ${folder}`,
            })),
          },
        ],
      },
    },
  ];
}
