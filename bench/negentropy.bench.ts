/**
 * Benchmarks of the Proof-of-Negentropy engine in the simulator (docs/protocols/negentropy.md
 * quotes these lines). Prints ONE JSON line per experiment: {"bench":"negentropy",
 * "experiment":..., "machine":{...}, "config":{...}, "results":{...}}.
 *
 *   safety    for each configuration, `--seeds` runs (default 200) at n = 20 with split-world
 *             double spends: Byzantine 0 / 10 % / 20 % under the Snowball rule and under the
 *             design's literal rule (final when T < T_c), plus the control run beyond the
 *             tolerated fraction (75 % split-world: the Byzantine answers alone reach alpha)
 *             and, with `--seeds` / 4 runs each, 60 % and 70 % (where the threshold lies);
 *             counts runs with a safety violation
 *   behaviours  20 % flip and sample-poison, `--seeds` / 4 runs each
 *   latency   finality latency p50 / p99 and throughput on the SimBlock region matrix at
 *             n = 100 (offered 100 tx/s) and, with --n1000, n = 1000 (offered --tps1000 tx/s)
 *   size      stored bytes over time with and without pruning (super-blocks), and the time and
 *             bytes a new node needs to sync: from the newest super-block (headers + snapshot)
 *             or from the whole DAG (every vertex, signature and transfer replayed)
 *
 * Run: npx tsx bench/negentropy.bench.ts [safety|behaviours|latency|size|all] [--seeds N] [--n1000] [--tps1000 T]
 *      [--duration1000 S] [--drain1000 S] [--skip100]   latency: the n = 1000 run's length; skip n = 100
 *      [--size-duration S]                              size: simulated seconds (default 60)
 *      [--only TEXT]   safety / behaviours: only the configurations whose label contains TEXT
 *                      (to split a sweep over processes)
 *      [--nodes N]     safety / behaviours: validators per run (default 20; the n = 100)
 *      [--from A] [--to B]  safety / behaviours: run seeds A..B instead of 1..--seeds (a campaign
 *                      split over processes or sessions)
 *      [--log FILE]    safety / behaviours: append one JSON line per run (experiment
 *                      "safety-run") and skip the (label, nodes, seed) runs FILE already holds, so
 *                      a stopped campaign resumes where it stopped; bench/negentropy-sweep-summary.ts
 *                      adds the lines up per configuration
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { toHex } from '../src/core/index.js';
import { applyTransactions, decodeBlock, decodeHeader, encodeBlock, encodeHeader, transferIdHex, verifyTransferSignature } from '../src/ledger/index.js';
import type { Transfer } from '../src/ledger/index.js';
import { eraseDefinition } from '../src/protocol/index.js';
import type { EngineContext } from '../src/protocol/index.js';
import { runScenario } from '../src/sim/index.js';
import type { ScenarioInput, SimResult } from '../src/sim/index.js';
import {
  NegentropyEngine,
  checkHeaderLinks,
  negentropyDefinition,
  stateFromSnapshot,
  verifyHeaderSignature,
} from '../src/engines/negentropy/index.js';
import type { NegMessage, NegentropyParams, SuperBlock } from '../src/engines/negentropy/index.js';
import { KEY_BYTES } from '../src/engines/negentropy/messages.js';
import { binomialTail, decisionFailureBound, splitShare, worstWeightShare } from '../src/engines/negentropy/safety.js';
import { SIM_CHAIN_ID, simGenesis, validatorKeyPair } from '../src/sim/index.js';
import { machineInfo } from './machine.js';

const args = process.argv.slice(2);
const which = args.find((a) => !a.startsWith('--')) ?? 'all';
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SEEDS = flag('seeds', 200);
const ONLY = ((): string | null => {
  const i = args.indexOf('--only');
  return i >= 0 ? (args[i + 1] ?? null) : null;
})();
const machine = machineInfo();
const NODES = flag('nodes', 20);
const LOG = ((): string | null => {
  const i = args.indexOf('--log');
  return i >= 0 ? (args[i + 1] ?? null) : null;
})();

/** The (label, nodes, seed) runs already in the --log file (a resumed campaign skips them). */
function loggedRuns(): Set<string> {
  const done = new Set<string>();
  if (LOG === null || !existsSync(LOG)) return done;
  for (const line of readFileSync(LOG, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const v = JSON.parse(line) as { experiment?: unknown; config?: { label?: unknown; nodes?: unknown; seed?: unknown } };
    if (v.experiment === 'safety-run') done.add(`${String(v.config?.label)}|${String(v.config?.nodes)}|${String(v.config?.seed)}`);
  }
  return done;
}

function emit(experiment: string, config: unknown, results: unknown): void {
  process.stdout.write(`${JSON.stringify({ bench: 'negentropy', experiment, machine, config, results }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
}

interface Run {
  readonly result: SimResult;
  readonly engines: Map<number, NegentropyEngine>;
  /** Query messages delivered and the (slot, peer) entries they carried. */
  readonly queries: { messages: number; keys: number };
  /**
   * Super-block cuts seen on the wire, by `height:txRoot`: nodes keep only the newest KEEP_CUTS
   * cuts, and the replay-from-the-DAG measurement needs all of them.
   */
  readonly cuts: Map<string, string[]>;
}

function run(input: Omit<ScenarioInput, 'engine'>): Run {
  const engines = new Map<number, NegentropyEngine>();
  const queries = { messages: 0, keys: 0 };
  const cuts = new Map<string, string[]>();
  const codec = {
    encode: negentropyDefinition.codec.encode,
    decode: (bytes: Uint8Array): NegMessage => {
      const m = negentropyDefinition.codec.decode(bytes);
      if (m.t === 'query') {
        queries.messages++;
        queries.keys += m.keys.length / KEY_BYTES;
      } else if (m.t === 'sb-candidate') cuts.set(`${m.header.height}:${toHex(m.header.txRoot)}`, m.ids.map(toHex));
      return m;
    },
  };
  const definition = eraseDefinition({
    ...negentropyDefinition,
    codec,
    create: (ctx: EngineContext<NegentropyParams>) => {
      const e = new NegentropyEngine(ctx);
      engines.set(ctx.self, e);
      return e;
    },
  });
  return { result: runScenario({ ...input, engine: 'negentropy' }, { resolve: () => definition }), engines, queries, cuts };
}

function pct(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

// ---- safety --------------------------------------------------------------------------------

const SWEEP = { nodes: NODES, durationS: 4, drainS: 3, load: { tps: 8 }, costModel: 'zero' as const };
const ATTACK = { attackIntervalMs: 500, superBlockTxs: 16, superBlockMaxDelayMs: 500, superBlockAttemptMs: 1000 };

function sweep(label: string, fraction: number, behaviour: string, finalRule: 'snowball' | 'temperature', seeds: number, timing: { durationS: number; drainS: number } = SWEEP): void {
  if (ONLY !== null && !label.includes(ONLY)) return;
  const t0 = performance.now();
  let violating = 0;
  let violations = 0;
  let finalized = 0;
  let submitted = 0;
  let entries = 0;
  let engineErrors = 0;
  let contested = 0;
  const p50s: number[] = [];
  let firstFailure: string | null = null;
  const from = flag('from', 1);
  const to = flag('to', seeds);
  const logged = loggedRuns();
  let ran = 0;
  for (let seed = from; seed <= to; seed++) {
    if (logged.has(`${label}|${SWEEP.nodes}|${seed}`)) continue;
    const tRun = performance.now();
    const { result } = run({ ...SWEEP, ...timing, seed, byzantine: { fraction, behaviour }, params: { ...ATTACK, finalRule } });
    ran++;
    const s = result.summary;
    const honest = result.perNode.find((x) => x.honest && x.status !== null);
    const contestedHere = honest?.status?.telemetry['contestedDecided'] ?? 0;
    contested += contestedHere;
    if (LOG !== null) {
      const line = {
        bench: 'negentropy',
        experiment: 'safety-run',
        machine,
        config: { label, ...SWEEP, ...timing, byzantine: fraction, behaviour, finalRule, params: ATTACK, seed },
        results: {
          violations: s.safety_violations,
          violationsByKind: s.violations_by_kind,
          engineErrors: s.engine_errors,
          finalized: s.finalized,
          submitted: s.submitted,
          ackedNotFinal: s.acked_not_final,
          minHonestLogEntries: s.finalized_entries,
          contestedDecidedAtOneHonestNode: contestedHere,
          p50Ms: s.latency_p50_ms,
          p99Ms: s.latency_p99_ms,
          events: s.events,
          traceHash: s.trace_hash,
          replay: result.replay,
          wallMs: Math.round(performance.now() - tRun),
        },
      };
      appendFileSync(LOG, `${JSON.stringify(line)}\n`);
    }
    if (s.safety_violations > 0) {
      violating++;
      firstFailure ??= result.replay;
    }
    violations += s.safety_violations;
    finalized += s.finalized;
    submitted += s.submitted;
    entries += s.finalized_entries;
    engineErrors += s.engine_errors;
    if (s.latency_p50_ms !== null) p50s.push(s.latency_p50_ms);
  }
  p50s.sort((a, b) => a - b);
  emit(
    'safety',
    { label, ...SWEEP, ...timing, byzantine: fraction, behaviour, finalRule, params: ATTACK, seeds, from, to },
    { runs: ran, runsWithViolation: violating, violations, finalized, submitted, minHonestLogEntriesSum: entries, contestedDecidedAtOneHonestNode: contested, engineErrors, medianRunP50Ms: pct(p50s, 0.5), firstFailure, wallS: Math.round((performance.now() - t0) / 100) / 10 },
  );
}

function safety(): void {
  const k = 20;
  const alpha = 15;
  const betaC = 20;
  emit(
    'safety-bound',
    { k, alpha, betaC },
    Object.fromEntries(
      [0, 0.1, 0.2, 0.25, 0.33, 0.5].map((f) => [
        String(f),
        { splitShare: splitShare(f), pollSuccess: binomialTail(k, splitShare(f), alpha), decisionBound: decisionFailureBound(f, k, alpha, betaC), worstWeightShare: worstWeightShare(f, 0.5, 2) },
      ]),
    ),
  );
  for (const finalRule of ['snowball', 'temperature'] as const) {
    sweep(`${finalRule} 0%`, 0, 'silent', finalRule, SEEDS);
    sweep(`${finalRule} 10% split-world`, 0.1, 'split-world', finalRule, SEEDS);
    sweep(`${finalRule} 20% split-world`, 0.2, 'split-world', finalRule, SEEDS);
  }
  const control = { durationS: 4, drainS: 1 };
  sweep('control: snowball 75% split-world', 0.75, 'split-world', 'snowball', SEEDS, control);
  const quarter = Math.max(1, Math.floor(SEEDS / 4));
  sweep('threshold: snowball 60% split-world', 0.6, 'split-world', 'snowball', quarter, control);
  sweep('threshold: snowball 70% split-world', 0.7, 'split-world', 'snowball', quarter, control);
}

function behaviours(): void {
  const seeds = Math.max(1, Math.floor(SEEDS / 4));
  sweep('snowball 20% flip', 0.2, 'flip', 'snowball', seeds);
  sweep('snowball 20% sample-poison', 0.2, 'sample-poison', 'snowball', seeds);
  sweep('snowball 20% silent', 0.2, 'silent', 'snowball', seeds);
}

// ---- latency and throughput ------------------------------------------------------------------

function latency(nodes: number, tps: number, durationS: number, drainS: number, accounts: number): void {
  const t0 = performance.now();
  const config = {
    nodes,
    seed: 1,
    durationS,
    drainS,
    latency: { kind: 'regions' as const, assign: 'round-robin' as const, jitter: 'pareto' as const },
    load: { tps, accounts },
    costModel: 'measured' as const,
  };
  const { result, engines, queries } = run(config);
  const s = result.summary;
  const e0 = engines.get(0)!;
  const honest = result.perNode.filter((x) => x.honest).length;
  emit('latency', { ...config, params: 'defaults' }, {
    finalized: s.finalized,
    submitted: s.submitted,
    tps: s.tps,
    offeredTps: s.offered_tps,
    backlogged: s.backlogged,
    latencyP50Ms: s.latency_p50_ms,
    latencyP99Ms: s.latency_p99_ms,
    latencyAllHonestP50Ms: s.latency_all_p50_ms,
    latencyAllHonestP99Ms: s.latency_all_p99_ms,
    bytesPerNodePerS: s.bytes_per_node_per_s,
    msgsPerNodePerS: s.msgs_per_node_per_s,
    safetyViolations: s.safety_violations,
    ackedNotFinal: s.acked_not_final,
    superBlocks: e0.latestSuperBlock().index,
    queryMessages: queries.messages,
    queryEntriesPerTransferPerNode: s.finalized === 0 ? null : Math.round(queries.keys / (e0.latestSuperBlock().count || s.finalized) / honest),
    events: s.events,
    wallS: Math.round((performance.now() - t0) / 100) / 10,
  });
}

// ---- size and sync ---------------------------------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function size(): void {
  // 60 s by default; --size-duration 180 passes the 64 super-blocks after which cuts are trimmed
  // (KEEP_CUTS), where the pruned size stops growing with the cuts.
  const base = { nodes: 20, seed: 1, durationS: flag('size-duration', 60), drainS: 5, load: { tps: 50 }, costModel: 'zero' as const };
  for (const prune of [true, false]) {
    const t0 = performance.now();
    const { result, engines, cuts } = run({ ...base, params: { prune, maxVertices: 1_000_000 } });
    const cutOf = (sb: SuperBlock): readonly string[] => (sb.ids.length > 0 ? sb.ids : (cuts.get(`${sb.index}:${toHex(sb.header.txRoot)}`) ?? []));
    const series = result.series['stored_bytes'] ?? [];
    const overTime = series.filter((x) => x.t % (base.durationS > 60 ? 20 : 10) === 0).map((x) => ({ t: x.t, meanBytes: Math.round(x.mean), maxBytes: x.max }));
    const node = engines.get(0)!;
    const sbs = node.superBlocks(0);
    const snapshot = node.snapshot();
    const headerBytes = sbs.slice(1).reduce((a, sb) => a + encodeHeader(sb.header).length + 32 * sb.ids.length, 0);
    const proposer = (a: string): Uint8Array | undefined => {
      for (let i = 0; i < base.nodes; i++) if (toHex(validatorKeyPair(i).publicKey) === a) return validatorKeyPair(i).publicKey;
      return undefined;
    };
    // Sync from the newest super-block: decode and link the headers, rebuild the state from the snapshot.
    const encodedHeaders = sbs.slice(1).map((sb) => encodeHeader(sb.header));
    const sbSync: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      const headers = encodedHeaders.map((b) => decodeHeader(b));
      checkHeaderLinks({ index: 0, hash: sbs[0]!.hash }, headers, proposer);
      const state = stateFromSnapshot(snapshot, toHex(sbs[sbs.length - 1]!.header.stateRoot));
      sbSync.push(performance.now() - t);
      if (toHex(state.root) !== toHex(node.finalizedState().root)) throw new Error('snapshot sync reached another root');
    }
    // Sync without super-blocks: every vertex this node holds (all of history when not pruned),
    // decoded fresh, signatures checked, and every executed transfer replayed from genesis.
    const encodedVertices = node.vertices().slice(1).map((b) => encodeBlock(b));
    let fullSync: number | null = null;
    let replayRootMatches: boolean | null = null;
    if (!prune) {
      const times: number[] = [];
      for (let r = 0; r < 3; r++) {
        const t = performance.now();
        const byId = new Map<string, Transfer>();
        for (const bytes of encodedVertices) {
          const block = decodeBlock(bytes);
          const key = proposer(toHex(block.header.proposer));
          if (key === undefined || !verifyHeaderSignature(block.header, key)) throw new Error('bad vertex');
          for (const tx of block.txs) {
            if (!verifyTransferSignature(tx)) throw new Error('bad tx');
            byId.set(transferIdHex(tx), tx);
          }
        }
        let state = simGenesis(result.config.load.accounts);
        for (const sb of sbs.slice(1)) state = applyTransactions(state, cutOf(sb).map((id) => byId.get(id)!), SIM_CHAIN_ID).state;
        times.push(performance.now() - t);
        replayRootMatches = toHex(state.root) === toHex(node.finalizedState().root);
      }
      fullSync = median(times);
    }
    emit('size', { ...base, prune }, {
      storedBytesOverTime: overTime,
      finalStoredBytes: node.storedBytes(),
      dagVertices: node.status().telemetry['dagVertices'],
      superBlocks: node.latestSuperBlock().index,
      executedTransfers: node.latestSuperBlock().count,
      syncFromSuperBlock: { bytes: headerBytes + snapshot.length, headerBytes, snapshotBytes: snapshot.length, ms: Math.round(median(sbSync) * 100) / 100 },
      syncFromDag: fullSync === null ? null : { bytes: encodedVertices.reduce((a, b) => a + b.length, 0), vertices: encodedVertices.length, ms: Math.round(fullSync * 100) / 100, replayRootMatches },
      safetyViolations: result.summary.safety_violations,
      wallS: Math.round((performance.now() - t0) / 100) / 10,
    });
  }
}

if (which === 'safety' || which === 'all') safety();
if (which === 'behaviours' || which === 'all') behaviours();
if (which === 'latency' || which === 'all') {
  if (!args.includes('--skip100')) latency(100, 100, 20, 10, 4096);
  if (args.includes('--n1000')) latency(1000, flag('tps1000', 20), flag('duration1000', 10), flag('drain1000', 10), 4096);
}
if (which === 'size' || which === 'all') size();
