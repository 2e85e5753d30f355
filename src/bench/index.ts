/**
 * src/bench: experiment runners that drive the simulator (beside src/sim, below src/cli).
 * Owns: the claims bench (claims/): plans, runner, statistics, verdicts, plots, reports.
 * Does not own: the simulator itself (src/sim), engines, the command line (src/cli), the
 * microbenchmarks of the top-level bench/ folder.
 */
export * from './claims/index.js';
