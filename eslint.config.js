// Lint rules. The "pure layers" block is the executable form of DESIGN.md section 2: the
// deterministic core (core, ledger, protocol, engines) never reads a clock, a random source,
// a timer, the process or I/O, and consensus math never calls engine-dependent Math functions
// (their last bits differ between JS engines; src/core/dmath replaces them).
import tseslint from 'typescript-eslint';

const PURE = ['src/core/**/*.ts', 'src/ledger/**/*.ts', 'src/protocol/**/*.ts', 'src/engines/**/*.ts'];
const ENGINE_DEPENDENT_MATH = [
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh',
  'atanh', 'exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'pow', 'hypot', 'cbrt', 'random',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'reports/**', 'dist/**', 'src/dashboard/dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-throw-literal': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: PURE,
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'time comes in through the engine input (ports), never Date' },
        { name: 'setTimeout', message: 'timers are effects, not calls' },
        { name: 'setInterval', message: 'timers are effects, not calls' },
        { name: 'setImmediate', message: 'timers are effects, not calls' },
        { name: 'process', message: 'the pure core never touches the process' },
        { name: 'performance', message: 'time comes in through ports' },
        { name: 'fetch', message: 'no I/O in the pure core' },
        { name: 'crypto', message: 'use src/core/crypto (deterministic hashing and signatures only)' },
      ],
      'no-restricted-properties': [
        'error',
        ...ENGINE_DEPENDENT_MATH.map((property) => ({
          object: 'Math',
          property,
          message: `Math.${property} is not bit-exact across engines (or not deterministic): use src/core/dmath or the seeded PRNG`,
        })),
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(node:)?(fs|fs/promises|net|http|https|http2|dgram|dns|child_process|worker_threads|cluster|os|process|timers|timers/promises|perf_hooks|readline|tls|v8|vm)$',
              message: 'no I/O, processes, timers or clocks in the pure core',
            },
          ],
        },
      ],
    },
  },
);
