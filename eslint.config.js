import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Above the runtime, machines are reached only through the provider handed down in the lab
 * context: these are the runtime modules such a layer may import (the interface, the runner
 * helpers, and the operator machine's own processes and facts). Only the CLI makes providers.
 */
const SEAM = ['provider.js', 'node-runner.js', 'host-commands.js', 'host-facts.js'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'go/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Scripts under scripts/ and the packed-package consumer's suite run on Node directly.
    files: ['scripts/**/*.mjs', 'test/pack/consumer/**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        Buffer: 'readonly',
        AbortController: 'readonly',
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
  ...layer('src/core/**', ['runtime', 'provision', 'lab', 'chaos', 'ui', 'api', 'cli']),
  ...layer('src/runtime/**', ['provision', 'lab', 'chaos', 'ui', 'api', 'cli'], { engine: true }),
  ...layer('src/provision/**', ['runtime', 'lab', 'chaos', 'ui', 'api', 'cli']),
  ...layer('src/lab/**', ['chaos', 'ui', 'api', 'cli'], { seam: true }),
  ...layer('src/chaos/**', ['ui', 'api', 'cli'], { seam: true }),
  ...layer('src/ui/**', ['api', 'cli'], { seam: true }),
  // The library API sits beside the UI, below the CLI; like the CLI it makes the default
  // provider (a consumer that passes none gets the Docker engine).
  ...layer('src/api/**', ['ui', 'cli'], { seam: true, providers: true }),
  ...layer('src/cli/**', []),
);

/** An eslint block for one layer: the layers above it, and the engine libraries, are off limits. */
function layer(files, above, { engine = false, seam = false, providers = false } = {}) {
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
            patterns: [
              ...above.map((folder) => ({
                group: [`**/${folder}/*`],
                message: `imports point down only: ${files.split('/')[1]} may not import ${folder}`,
              })),
              ...(seam
                ? [
                    {
                      group: [
                        '**/runtime/*',
                        ...SEAM.map((m) => `!**/runtime/${m}`),
                        ...(providers ? ['!**/runtime/docker-provider.js'] : []),
                      ],
                      message: `reach machines through ctx.provider: only runtime/{${SEAM.join(',')}} may be imported here`,
                    },
                  ]
                : []),
            ],
          },
        ],
      },
    },
  ];
}
