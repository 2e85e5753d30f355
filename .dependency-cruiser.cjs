// Layering of DESIGN.md section 2, enforced in CI:
//   core <- ledger <- protocol <- engines <- {sim, node} <- cli
//   sim <- {bench (experiment runner), report (sim/bench renderings)} <- cli
// and: nothing in the pure layers (core, ledger, protocol, engines) imports I/O, timers,
// processes or clocks. node:crypto is allowed only inside src/core/crypto (deterministic
// sha256 and ed25519); everything else reaches it through src/core.
const PURE = '^src/(core|ledger|protocol|engines)/';
const FORBIDDEN_BUILTINS =
  '^(node:)?(fs|fs/promises|net|http|https|http2|dgram|dns|child_process|worker_threads|cluster|os|process|timers|timers/promises|perf_hooks|readline|tls|v8|vm)$';

module.exports = {
  forbidden: [
    { name: 'pure-no-io', severity: 'error', comment: 'the pure core is sans-I/O and deterministic',
      from: { path: PURE }, to: { path: FORBIDDEN_BUILTINS, dependencyTypes: ['core'] } },
    { name: 'crypto-only-in-core-crypto', severity: 'error',
      comment: 'node:crypto is reached through src/core/crypto only (it also holds non-deterministic randomBytes)',
      from: { path: PURE, pathNot: '^src/core/crypto/' }, to: { path: '^(node:)?crypto$', dependencyTypes: ['core'] } },
    { name: 'core-is-the-bottom', severity: 'error', from: { path: '^src/core/' },
      to: { path: '^src/(ledger|protocol|engines|sim|bench|report|node|cli|dashboard)/' } },
    { name: 'ledger-above-core-only', severity: 'error', from: { path: '^src/ledger/' },
      to: { path: '^src/(protocol|engines|sim|bench|report|node|cli|dashboard)/' } },
    { name: 'protocol-below-engines', severity: 'error', from: { path: '^src/protocol/' },
      to: { path: '^src/(engines|sim|bench|report|node|cli|dashboard)/' } },
    { name: 'engines-below-runtimes', severity: 'error', from: { path: '^src/engines/' },
      to: { path: '^src/(sim|bench|report|node|cli|dashboard)/' } },
    { name: 'engines-are-independent', severity: 'error', comment: 'one engine never imports another',
      from: { path: '^src/engines/([^/]+)/' }, to: { path: '^src/engines/', pathNot: ['^src/engines/$1/', '^src/engines/index\\.ts$', '^src/engines/registry\\.ts$'] } },
    { name: 'runtimes-independent', severity: 'error', comment: 'the simulator and the node share only the layers below them',
      from: { path: '^src/sim/' }, to: { path: '^src/(bench|report|node|cli|dashboard)/' } },
    { name: 'bench-runner-above-sim', severity: 'error', comment: 'the experiment runner (src/bench) drives the simulator; only the CLI sits above it',
      from: { path: '^src/bench/' }, to: { path: '^src/(node|cli|dashboard)/' } },
    { name: 'report-above-sim', severity: 'error', comment: 'reports render simulator and benchmark results; they never reach a live node or the CLI',
      from: { path: '^src/report/' }, to: { path: '^src/(node|cli|dashboard)/' } },
    { name: 'node-not-sim', severity: 'error', from: { path: '^src/node/' }, to: { path: '^src/(sim|bench|report|cli)/' } },
    { name: 'dashboard-via-api-only', severity: 'error', comment: 'the dashboard talks to the node only through its HTTP API',
      from: { path: '^src/dashboard/' }, to: { path: '^src/(core|ledger|protocol|engines|sim|bench|report|node|cli)/' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
