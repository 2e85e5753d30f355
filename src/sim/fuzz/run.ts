/**
 * Running one fuzz case through `runScenario` and judging it:
 *   safety    the simulator's online invariant checkers (agreement, revert, state-root, supply,
 *             exactly-once), evaluated on every finalize effect of an honest node, i.e. after
 *             every event that can change what they judge;
 *   errors    an honest engine threw (the simulator crashed it);
 *   liveness  after the last heal or restart T, every honest node that is up at the end
 *             finalizes a new entry by T + livenessMs, and no acknowledged transfer is left
 *             unfinalized at the end (the load keeps coming for a while after T).
 * A control case (beyond the bound) passes when the safety checker fires.
 */
import type { ErasedEngineDefinition } from '../../protocol/index.js';
import { findEngine } from '../../engines/index.js';
import type { ScenarioConfig } from '../config.js';
import { makeScenario, runScenario } from '../scenario.js';
import type { SimResult } from '../result.js';
import type { Violation } from '../invariants.js';
import type { FuzzCase } from './case.js';
import { encodeCase, lastFaultEndMs, validateCase } from './case.js';
import { HONEST_BEHAVIOUR } from './profiles.js';
import type { AttackCounters } from './tamper.js';
import { makeTamper, newCounters } from './tamper.js';

export type FailureKind = 'safety' | 'engine-error' | 'liveness' | 'control-held';

export interface FuzzVerdict {
  readonly case: FuzzCase;
  /** null: the case passed (for a control: the checker fired). */
  readonly failure: FailureKind | null;
  readonly safetyViolations: number;
  readonly firstViolation: Violation | null;
  readonly engineErrors: number;
  readonly firstEngineError: string | null;
  readonly lastFaultEndMs: number;
  /** Honest nodes up at the end that finalized nothing in (T, T + livenessMs]. */
  readonly stalled: readonly number[];
  readonly ackedNotFinal: number;
  readonly attacks: AttackCounters;
  readonly summary: SimResult['summary'];
  /** `thermo sim fuzz --case ...`: reproduces exactly this case. */
  readonly replay: string;
  readonly wallMs: number;
}

/** The registry's definition plus the generic 'honest' behaviour (a Byzantine node running the honest engine). */
export function fuzzResolve(name: string): ErasedEngineDefinition {
  const d = findEngine(name);
  return Object.freeze({ ...d, adversaries: Object.freeze({ ...(d.adversaries ?? {}), [HONEST_BEHAVIOUR]: d.create }) });
}

/** The simulator scenario of a case (its attacks go in as a tamper hook, see runCase). */
export function caseScenario(c: FuzzCase): ScenarioConfig {
  return makeScenario({
    engine: c.engine,
    nodes: c.nodes,
    seed: c.seed,
    durationS: c.durationS,
    drainS: c.drainS,
    byzantine: { fraction: 0, nodes: c.byzantine, behaviour: c.behaviour },
    faults: {
      loss: c.loss,
      duplicate: c.duplicate,
      reorder: c.reorder,
      reorderMaxMs: c.reorderMaxMs,
      partitions: c.partitions.map((p) => ({ atMs: p.atMs, healAtMs: p.healAtMs, groups: p.groups, ...(p.oneWay === true ? { oneWay: true } : {}) })),
      crashes: c.crashes,
      clockSkewMs: 0,
      skews: c.skews,
    },
    load: { tps: c.tps },
    params: c.params,
    ...(c.hashPower !== undefined ? { hashPower: c.hashPower } : {}),
  });
}

export function caseReplay(c: FuzzCase): string {
  return `npx thermo sim fuzz --case ${encodeCase(c)}`;
}

export interface RunCaseOptions {
  readonly resolve?: (name: string) => ErasedEngineDefinition;
  readonly wallClock?: () => number;
}

export function runCase(c: FuzzCase, options: RunCaseOptions = {}): FuzzVerdict {
  validateCase(c);
  const resolve = options.resolve ?? fuzzResolve;
  const definition = resolve(c.engine);
  const counters = newCounters();
  const tamper = makeTamper(c.attacks, definition.codec, counters);
  const T = lastFaultEndMs(c);
  const deadline = T + c.livenessMs;
  const progressed = new Uint8Array(c.nodes);
  const byzantine = new Set(c.byzantine);
  let waiting = c.nodes - byzantine.size;
  const result = runScenario(caseScenario(c), {
    resolve,
    ...(tamper !== undefined ? { tamper } : {}),
    onFinalize: (node, atMs) => {
      if (atMs > T && atMs <= deadline && progressed[node] === 0) {
        progressed[node] = 1;
        waiting--;
      }
    },
    // Settled: every honest node finalized after the last heal (and, the simulator adds, every
    // acknowledged transfer is final everywhere): the rest of the drain is skipped.
    settled: () => waiting <= 0,
    ...(options.wallClock !== undefined ? { wallClock: options.wallClock } : {}),
  });
  const s = result.summary;
  const stalled: number[] = [];
  for (const r of result.perNode) if (r.honest && r.up && progressed[r.node] === 0) stalled.push(r.node);
  let failure: FailureKind | null;
  if (c.control === true) failure = s.safety_violations > 0 ? null : 'control-held';
  else if (s.safety_violations > 0) failure = 'safety';
  else if (s.engine_errors > 0) failure = 'engine-error';
  else if (stalled.length > 0 || s.acked_not_final > 0) failure = 'liveness';
  else failure = null;
  return Object.freeze({
    case: c,
    failure,
    safetyViolations: s.safety_violations,
    firstViolation: result.violations[0] ?? null,
    engineErrors: s.engine_errors,
    firstEngineError: result.engineErrors[0]?.error ?? null,
    lastFaultEndMs: T,
    stalled: Object.freeze(stalled),
    ackedNotFinal: s.acked_not_final,
    attacks: Object.freeze({ ...counters }),
    summary: s,
    replay: caseReplay(c),
    wallMs: result.wallMs,
  });
}
