import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'eslint.config.mjs', 'jest.config.js'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // The architecture, kept by lint: which feature may import which (one direction only), pure
  // domain rules, controllers that only map HTTP, and no run-time look-ups that hide an edge.
  ...importRules(),
);

function importRules() {
  const moduleRef = {
    name: '@nestjs/core',
    importNames: ['ModuleRef'],
    message: 'inject what you need: a ModuleRef look-up hides a dependency',
  };
  const features = {
    certificates: [{ group: ['**/progress/**'], message: 'progress issues certificates, never the reverse' }],
    enrollments: [
      { group: ['**/progress/**', '**/course-content/**'], message: 'an enrollment never depends on completions or content' },
    ],
    'course-content': [{ group: ['**/progress/**'], message: 'content knows nothing of who completed it' }],
    courses: [{ group: ['**/course-content/**'], message: 'course metadata does not depend on the content tree' }],
  };
  const kinds = [
    { files: '**/*.ts', patterns: [] },
    {
      files: '**/domain/**/*.ts',
      patterns: [{ group: ['@nestjs/*', '@mikro-orm/*', 'mongoose', 'ioredis'], message: 'domain rules are pure: no I/O, no framework' }],
    },
    {
      files: '**/*.controller.ts',
      patterns: [{ group: ['**/domain/**'], message: 'a controller maps HTTP only: call its service' }],
    },
  ];
  // ESLint applies only the last matching entry of a rule, so every entry carries all that apply.
  return kinds.flatMap((kind) => [
    restrict(`src/${kind.files}`, kind.patterns),
    ...Object.entries(features).map(([feature, patterns]) =>
      restrict(`src/${feature}/${kind.files}`, [...kind.patterns, ...patterns]),
    ),
  ]);

  function restrict(files, patterns) {
    return {
      files: [files],
      rules: { 'no-restricted-imports': ['error', { paths: [moduleRef], patterns }] },
    };
  }
}
