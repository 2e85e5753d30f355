/**
 * The claims experiments as data: which engines, sizes, loads, fractions and seeds each claim
 * runs at, per size. `smoke` runs in seconds inside `npm test`; `default` is what
 * docs/CLAIMS.md is generated from (it must finish within 30 minutes on the 2-core development
 * machine); `full` widens the sweeps for a longer run. Every simulation shares one latency
 * model, one bandwidth cap, one CPU cost model and (per experiment) one offered load, whatever
 * the engine.
 */
import type { BandwidthModel, LatencyModel } from '../../sim/index.js';

export type Size = 'smoke' | 'default' | 'full';
export const SIZES: readonly Size[] = Object.freeze(['smoke', 'default', 'full']);

/** The engines compared, in report order; 'coherence' and 'negentropy' where meaningful. */
export const BASELINES = Object.freeze(['pbft', 'hotstuff']);
export const DESIGN_ENGINES = Object.freeze(['coherence', 'negentropy']);

export interface ScaleExperiment {
  readonly engines: readonly string[];
  readonly ns: readonly number[];
  /** Largest n run per engine (an engine whose runs grow too slow stops earlier). */
  readonly maxN: Readonly<Record<string, number>>;
  readonly tps: number;
  readonly durationS: number;
  readonly drainS: number;
}

export interface LoadExperiment {
  readonly engines: readonly string[];
  readonly n: number;
  readonly loads: readonly number[];
  readonly durationS: number;
  readonly drainS: number;
}

export interface ErrorExperiment {
  readonly n: number;
  /** ThermoTruth parameters for these runs (besides rule and truthSeed). */
  readonly ttParams: Readonly<Record<string, number | boolean | string>>;
  readonly fractions: readonly number[];
  readonly adversaries: readonly string[];
  readonly rules: readonly ('boltzmann' | 'dlpsw' | 'literal')[];
  readonly tps: number;
  readonly durationS: number;
  readonly drainS: number;
}

export interface SybilExperiment {
  readonly n: number;
  readonly ttParams: Readonly<Record<string, number | boolean | string>>;
  readonly fractions: readonly number[];
  readonly adversaries: readonly string[];
  /** Minted identities per Byzantine node per epoch, the same with and without PoW. */
  readonly sybils: number;
  readonly tps: number;
  readonly durationS: number;
  readonly drainS: number;
}

export interface SafetyExperiment {
  readonly engines: readonly string[];
  readonly ns: readonly number[];
  readonly tps: number;
  readonly durationS: number;
  readonly drainS: number;
  /**
   * Length of the split-worlds runs (run.ts `splitWorlds`): two phases of half this each, long
   * enough for a three-chain HotStuff commit in each world.
   */
  readonly splitDurationS: number;
}

export interface ClaimsPlan {
  readonly size: Size;
  /** Engines deliberately not run at this size, with the reason (printed in the report). */
  readonly notRun: Readonly<Record<string, string>>;
  readonly seeds: readonly number[];
  readonly latency: LatencyModel;
  readonly bandwidth: BandwidthModel;
  readonly costModel: 'measured';
  /** Funded client accounts: at least this many, and 2 x the offered load. */
  readonly minAccounts: number;
  readonly scale: ScaleExperiment;
  readonly load: LoadExperiment;
  readonly error: ErrorExperiment;
  readonly bandwidthClaim: ScaleExperiment;
  readonly sybil: SybilExperiment;
  readonly safety: SafetyExperiment;
}

/** 50 ms RTT (claim 1's setting) with 5 ms jitter, for every experiment. */
export const LATENCY: LatencyModel = Object.freeze({ kind: 'fixed', rttMs: 50, jitterMs: 5 });
/** 100 Mbit/s up and down per node, for every experiment. */
export const BANDWIDTH: BandwidthModel = Object.freeze({ kind: 'fixed', uploadBps: 100_000_000, downloadBps: 100_000_000 });

const ALL = ['thermotruth', ...BASELINES, ...DESIGN_ENGINES];
const WITHOUT_COHERENCE = ALL.filter((e) => e !== 'coherence');

function freeze(plan: ClaimsPlan): ClaimsPlan {
  return Object.freeze(plan);
}

function seeds(k: number): number[] {
  return Array.from({ length: k }, (_, i) => i + 1);
}

export function planFor(size: Size, seedCount?: number): ClaimsPlan {
  const common = { latency: LATENCY, bandwidth: BANDWIDTH, costModel: 'measured' as const, minAccounts: 64 };
  const coherenceTooSlow = {
    coherence:
      'its blocks are final only after its confirmation depth of PoW blocks at its target interval (tens of seconds with its default parameters), longer than these runs: it would report no decision at all',
  };
  const fractions = [0, 0.1, 0.2, 0.33, 0.34];
  // Accuracy runs need epochs, not speed: epochs at least 250 ms apart keep them cheap to simulate.
  const ttParams = { epochIntervalMs: 250 };
  const adversaries = ['outlier', 'split-world', 'in-range-drag', 'silent'];
  if (size === 'smoke') {
    return freeze({
      size,
      seeds: seeds(seedCount ?? 2),
      notRun: {},
      ...common,
      scale: { engines: ALL, ns: [4, 8], maxN: {}, tps: 10, durationS: 1.5, drainS: 1 },
      load: { engines: ALL, n: 4, loads: [20, 80], durationS: 1.5, drainS: 1 },
      error: { n: 6, ttParams, fractions: [0, 0.34], adversaries: ['outlier', 'in-range-drag'], rules: ['boltzmann', 'literal'], tps: 5, durationS: 1.5, drainS: 1 },
      bandwidthClaim: { engines: ALL, ns: [4], maxN: {}, tps: 40, durationS: 1.5, drainS: 1 },
      sybil: { n: 6, ttParams, fractions: [0.34], adversaries: ['outlier'], sybils: 3, tps: 5, durationS: 1.5, drainS: 1 },
      safety: { engines: ['thermotruth', ...BASELINES], ns: [4], tps: 10, durationS: 1.5, drainS: 1, splitDurationS: 6 },
    });
  }
  if (size === 'default') {
    // Sized to finish within 30 minutes on the shared 2-core development machine: measured
    // 985 s wall (1,720 simulations, 2 worker threads, the default on 2 cores; 23 Nov 2026).
    return freeze({
      size,
      seeds: seeds(seedCount ?? 10),
      notRun: coherenceTooSlow,
      ...common,
      scale: {
        engines: WITHOUT_COHERENCE,
        ns: [4, 8, 16, 32, 64, 100, 200],
        // The baselines verify every signature for real in the simulator: measured here, one
        // 5-second PBFT run takes about 50 s of wall time at n = 32 and 80 s at n = 64, HotStuff
        // about 30 s at n = 32, 85 s at n = 100. At this size both stop at n = 16, and claim B1
        // extrapolates PBFT to n = 100 along its fitted growth; --size full runs every engine to
        // n = 200.
        maxN: { pbft: 16, hotstuff: 16, negentropy: 32 },
        tps: 20,
        durationS: 2.5,
        drainS: 2,
      },
      load: { engines: WITHOUT_COHERENCE, n: 16, loads: [100, 400, 1600], durationS: 2.5, drainS: 1.5 },
      error: { n: 15, ttParams, fractions, adversaries, rules: ['boltzmann', 'dlpsw', 'literal'], tps: 2, durationS: 2, drainS: 1 },
      bandwidthClaim: { engines: WITHOUT_COHERENCE, ns: [16], maxN: {}, tps: 100, durationS: 3, drainS: 2 },
      sybil: { n: 15, ttParams, fractions: [0.2, 0.33], adversaries: ['outlier', 'in-range-drag'], sybils: 5, tps: 2, durationS: 2, drainS: 1 },
      safety: { engines: ['thermotruth', ...BASELINES], ns: [4, 7], tps: 20, durationS: 1.5, drainS: 1.5, splitDurationS: 6 },
    });
  }
  return freeze({
    size,
    seeds: seeds(seedCount ?? 20),
    notRun: {},
    ...common,
    scale: { engines: ALL, ns: [4, 8, 16, 32, 64, 100, 150, 200], maxN: {}, tps: 20, durationS: 6, drainS: 3 },
    load: { engines: ALL, n: 32, loads: [50, 100, 200, 400, 800, 1600, 3200], durationS: 5, drainS: 3 },
    error: { n: 30, ttParams, fractions, adversaries, rules: ['boltzmann', 'dlpsw', 'literal'], tps: 5, durationS: 5, drainS: 1 },
    bandwidthClaim: { engines: ALL, ns: [16, 64, 100], maxN: { coherence: 64, negentropy: 64 }, tps: 100, durationS: 6, drainS: 3 },
    sybil: { n: 30, ttParams, fractions: [0.1, 0.2, 0.33], adversaries: ['outlier', 'in-range-drag', 'split-world'], sybils: 10, tps: 5, durationS: 5, drainS: 1 },
    safety: { engines: ['thermotruth', ...BASELINES], ns: [4, 7, 10], tps: 20, durationS: 4, drainS: 2, splitDurationS: 6 },
  });
}
