/**
 * The swarm (src/sim/fuzz): drawing is deterministic and stays inside each engine's bound,
 * cases round-trip through their encoding and replay to the same trace, the generic attacks and
 * one-way partitions do what they say, the shrinker reduces a planted failure to a minimal
 * schedule, the control runs beyond each engine's bound make the checker fire, and the CLI.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { argsFromArgv, makeScenario, runScenario, scenarioFromArgs, scenarioToArgs } from '../../src/sim/index.js';
import type { FuzzCase } from '../../src/sim/fuzz/index.js';
import {
  CONTROLS,
  PROFILES,
  SWARM_ENGINES,
  CASE_LIMITS,
  commitSeed,
  controlCase,
  decodeCase,
  drawCase,
  encodeCase,
  FIXED_COMMIT_SEED,
  lastFaultEndMs,
  makeTamper,
  newCounters,
  runCase,
  shrinkCase,
  withinBound,
} from '../../src/sim/fuzz/index.js';
import { probeDefinition } from './probe.js';
import type { ProbeScript } from './probe.js';

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

describe('drawing cases', () => {
  it('is deterministic and different seeds draw different cases', () => {
    expect(drawCase('pbft', 7)).toEqual(drawCase('pbft', 7));
    expect(encodeCase(drawCase('pbft', 7))).not.toBe(encodeCase(drawCase('pbft', 8)));
    expect(encodeCase(drawCase('pbft', 7))).not.toBe(encodeCase(drawCase('hotstuff', 7)));
  });

  it('covers 4-31 nodes, stays inside every engine bound, and draws every fault kind', () => {
    const seen = { minN: 99, maxN: 0, atBound: 0, partitionKinds: new Set<string>(), attacks: new Set<string>(), behaviours: new Set<string>(), crashes: 0, loss: 0, dup: 0, reorder: 0, skew: 0 };
    for (const engine of SWARM_ENGINES) {
      const p = PROFILES.get(engine)!;
      for (let seed = 1; seed <= 200; seed++) {
        const c = drawCase(engine, seed);
        expect(withinBound(c), `${engine} seed ${seed}`).toBe(true);
        expect(c.byzantine.length).toBeLessThanOrEqual(p.bound(c.nodes));
        expect(c.durationS * 1000).toBeGreaterThanOrEqual(lastFaultEndMs(c) + 3000);
        seen.minN = Math.min(seen.minN, c.nodes);
        seen.maxN = Math.max(seen.maxN, c.nodes);
        if (c.byzantine.length === p.bound(c.nodes) && c.byzantine.length > 0) seen.atBound++;
        for (const x of c.partitions) seen.partitionKinds.add(x.kind);
        for (const a of c.attacks) seen.attacks.add(a.kind);
        seen.behaviours.add(`${engine}/${c.behaviour}`);
        seen.crashes += c.crashes.length;
        if (c.loss > 0) seen.loss++;
        if (c.duplicate > 0) seen.dup++;
        if (c.reorder > 0) seen.reorder++;
        if (c.skews.some((s) => s !== 0)) seen.skew++;
        if (!p.byzantineMayLead) expect(c.byzantine).not.toContain(0);
        if (p.maxPartitionMs !== null) for (const x of c.partitions) expect(x.healAtMs! - x.atMs).toBeLessThanOrEqual(p.maxPartitionMs);
        expect(c.loss).toBeLessThanOrEqual(0.3);
        expect(c.duplicate).toBeLessThanOrEqual(0.5);
      }
      for (const b of p.behaviours) expect(seen.behaviours.has(`${engine}/${b}`), `${engine}/${b} drawn`).toBe(true);
    }
    expect(seen.minN).toBe(4);
    expect(seen.maxN).toBe(31);
    expect(seen.atBound).toBeGreaterThan(100);
    expect([...seen.partitionKinds].sort()).toEqual(['asymmetric', 'isolate', 'split']);
    expect([...seen.attacks].sort()).toEqual(['corrupt', 'flood', 'oversize', 'replay', 'withhold']);
    for (const k of [seen.crashes, seen.loss, seen.dup, seen.reorder, seen.skew]) expect(k).toBeGreaterThan(100);
  });

  it('the bound is checked at N and N + 1', () => {
    const c = drawCase('pbft', 3);
    const f = Math.floor((c.nodes - 1) / 3);
    const nodes = Array.from({ length: c.nodes }, (_, i) => i);
    expect(withinBound({ ...c, byzantine: nodes.slice(0, f) })).toBe(true);
    expect(withinBound({ ...c, byzantine: nodes.slice(0, f + 1) })).toBe(false);
    const coh = drawCase('coherence', 1);
    const part = { kind: 'split' as const, atMs: 1000, groups: [[0]] };
    expect(withinBound({ ...coh, partitions: [{ ...part, healAtMs: 2500 }] })).toBe(true);
    expect(withinBound({ ...coh, partitions: [{ ...part, healAtMs: 2501 }] })).toBe(false);
    const ref = drawCase('reference', 1);
    expect(withinBound({ ...ref, nodes: 4, byzantine: [1] })).toBe(true);
    expect(withinBound({ ...ref, nodes: 4, byzantine: [0] })).toBe(false);
  });

  it('refuses unknown engines and bad node ranges', () => {
    expect(() => drawCase('nope', 1)).toThrow(/no swarm profile/);
    expect(() => drawCase('pbft', 1, { minNodes: 8, maxNodes: 5 })).toThrow(/node range/);
    expect(() => drawCase('pbft', -1)).toThrow(/seed/);
  });
});

describe('case encoding', () => {
  it('round-trips through the token and through JSON text', () => {
    for (const engine of SWARM_ENGINES) {
      const c = drawCase(engine, 11);
      expect(decodeCase(encodeCase(c))).toEqual(c);
      expect(decodeCase(JSON.stringify(c))).toEqual(c);
    }
    const ctl = controlCase('hotstuff');
    expect(decodeCase(encodeCase(ctl))).toEqual(ctl);
  });

  it('refuses malformed cases with typed errors', () => {
    expect(() => decodeCase('not a case')).toThrow(/SIM_BAD_CONFIG|neither JSON/);
    const c = drawCase('pbft', 1);
    expect(() => decodeCase(JSON.stringify({ ...c, v: 2 }))).toThrow(/version/);
    expect(() => decodeCase(JSON.stringify({ ...c, skews: [0] }))).toThrow(/skews/);
    expect(() => decodeCase(JSON.stringify({ ...c, attacks: [{ kind: 'nuke' }] }))).toThrow(/unknown kind/);
    // Limits at N and N + 1.
    const flood = (copies: number): string => JSON.stringify({ ...c, attacks: [{ kind: 'flood', copies }] });
    expect(decodeCase(flood(CASE_LIMITS.maxFloodCopies)).attacks[0]).toEqual({ kind: 'flood', copies: CASE_LIMITS.maxFloodCopies });
    expect(() => decodeCase(flood(CASE_LIMITS.maxFloodCopies + 1))).toThrow(/flood.copies/);
    const big = (bytes: number): string => JSON.stringify({ ...c, attacks: [{ kind: 'oversize', p: 0.1, bytes }] });
    expect(decodeCase(big(CASE_LIMITS.maxOversizeBytes)).attacks).toHaveLength(1);
    expect(() => decodeCase(big(CASE_LIMITS.maxOversizeBytes + 1))).toThrow(/oversize.bytes/);
  });

  it('the commit seed is the first 8 hex digits, or a fixed seed without git', () => {
    expect(commitSeed('0123abcd99')).toBe(0x0123abcd);
    expect(commitSeed(null)).toBe(FIXED_COMMIT_SEED);
    expect(commitSeed('')).toBe(FIXED_COMMIT_SEED);
  });
});

describe('running a case', () => {
  it('replays exactly: the same case gives the same trace hash, and the token reproduces it', () => {
    const c = drawCase('reference', 5, { maxNodes: 5 });
    const a = runCase(c);
    const b = runCase(decodeCase(encodeCase(c)));
    expect(a.summary.trace_hash).toBe(b.summary.trace_hash);
    expect(a.replay).toBe(`npx thermo sim fuzz --case ${encodeCase(c)}`);
  });

  it('generic attacks reach the wire: withheld, replayed, corrupted, oversized, flooded copies', () => {
    const base: FuzzCase = { ...controlCase('reference'), control: false, byzantine: [1], behaviour: 'honest', durationS: 3, drainS: 2, livenessMs: 5000 };
    const attacks = [
      { kind: 'withhold' as const, reach: [0, 2] },
      { kind: 'replay' as const, p: 0.3 },
      { kind: 'corrupt' as const, p: 0.3 },
      { kind: 'oversize' as const, p: 0.3, bytes: 256 },
      { kind: 'flood' as const, copies: 2 },
    ];
    const v = runCase({ ...base, attacks });
    expect(v.failure).toBe(null);
    const a = v.attacks;
    expect(a.withheld).toBeGreaterThan(0);
    expect(a.replayed).toBeGreaterThan(0);
    expect(a.corrupted + a.corruptRefused).toBeGreaterThan(0);
    expect(a.oversized + a.oversizeRefused).toBeGreaterThan(0);
    expect(a.flooded).toBeGreaterThan(0);
    // Without attacks the same case sends fewer copies.
    const quiet = runCase({ ...base, attacks: [] });
    expect(quiet.attacks.flooded).toBe(0);
    expect(v.summary.trace_hash).not.toBe(quiet.summary.trace_hash);
  });

  it('makeTamper with no attacks is no hook at all', () => {
    expect(makeTamper([], { encode: () => new Uint8Array(1), decode: () => 0 }, newCounters())).toBeUndefined();
  });

  it('a one-way partition drops only what the first group sends', () => {
    const beacon: ProbeScript = (_ctx, input) =>
      input.kind === 'start' || input.kind === 'timer' ? [{ kind: 'broadcast', message: { seq: 1, pad: 0 } }, { kind: 'set-timer', timer: 't', at: input.now + 100 }] : [];
    const run = (oneWay: boolean): Record<string, number> => {
      const r = runScenario(
        {
          engine: 'probe',
          nodes: 3,
          seed: 1,
          durationS: 2,
          drainS: 0,
          load: { tps: 0 },
          faults: { partitions: [{ atMs: 0, healAtMs: null, groups: [[0]], ...(oneWay ? { oneWay: true } : {}) }] },
        },
        { resolve: () => probeDefinition(beacon) },
      );
      return Object.fromEntries(r.perNode.map((p) => [p.node, p.msgsIn]));
    };
    const sym = run(false);
    const one = run(true);
    expect(sym[0]).toBe(0);
    expect(one[0]).toBeGreaterThan(0); // node 0 still hears 1 and 2
    expect(one[1]).toBe(sym[1]); // but 1 and 2 hear only each other, as in the symmetric cut
    expect(one[2]).toBe(sym[2]);
  });

  it('a one-way partition round-trips through the command line flags', () => {
    const c = scenarioFromArgs({ engine: 'reference', nodes: '4', partitions: '1000:2000:0,1:oneway;3000:4000:2' });
    expect(c.faults.partitions[0]).toEqual({ atMs: 1000, healAtMs: 2000, groups: [[0, 1]], oneWay: true });
    expect(c.faults.partitions[1]!.oneWay).toBeUndefined();
    const argv = scenarioToArgs(c);
    expect(argv[argv.indexOf('--partitions') + 1]).toBe('1000:2000:0,1:oneway;3000:4000:2');
    expect(scenarioFromArgs(argsFromArgv(argv))).toEqual(c);
    expect(() => scenarioFromArgs({ engine: 'reference', partitions: '1000:2000:0:sideways' })).toThrow(/oneway/);
    expect(() => makeScenario({ engine: 'reference', faults: { partitions: [{ atMs: 0, healAtMs: 1, groups: [], oneWay: true }] } })).toThrow(/first group/);
  });

  it('liveness: a node that never finalizes after the last heal fails the case', () => {
    // Reference with a silent leader inside f: safe but not live (the fixture has no view change).
    const c: FuzzCase = { ...controlCase('reference'), control: false, byzantine: [0], behaviour: 'silent', durationS: 3, drainS: 3, livenessMs: 3000 };
    const v = runCase(c);
    expect(v.safetyViolations).toBe(0);
    expect(v.failure).toBe('liveness');
    expect(v.stalled).toEqual([1, 2, 3]);
    const live = runCase({ ...c, byzantine: [3] });
    expect(live.failure).toBe(null);
    // A settled run ends at a whole second after the load window, before the drain is over; a stalled one drains in full.
    expect(live.summary.sim_end_ms).toBeLessThan((c.durationS + c.drainS) * 1000);
    expect(v.summary.sim_end_ms).toBeGreaterThan((c.durationS + c.drainS) * 1000 - 1000);
  });
});

describe('shrinking', () => {
  const big: FuzzCase = {
    ...drawCase('pbft', 1, { minNodes: 10, maxNodes: 10 }),
    byzantine: [4, 7],
    behaviour: 'equivocate',
    attacks: [
      { kind: 'replay', p: 0.4 },
      { kind: 'flood', copies: 4 },
    ],
    loss: 0.2,
    duplicate: 0.3,
    reorder: 0.2,
    reorderMaxMs: 500,
    partitions: [
      { kind: 'isolate', atMs: 1000, healAtMs: 3000, groups: [[9]] },
      { kind: 'split', atMs: 3500, healAtMs: 6000, groups: [[1, 2, 3, 5]] },
    ],
    crashes: [
      { node: 2, atMs: 2000, restartAtMs: 5000 },
      { node: 8, atMs: 1500, restartAtMs: 2500 },
    ],
    skews: [5, -5, 10, 0, 0, 3, 0, 0, 0, 1],
  };

  it('a planted failure shrinks to the minimal schedule that triggers it', () => {
    // Planted: fails whenever node 2 is in a partition group and crashes at some point.
    const fails = (c: FuzzCase): boolean => c.partitions.some((p) => p.groups.some((g) => g.includes(2))) && c.crashes.some((x) => x.node === 2);
    const s = shrinkCase(big, fails, 500);
    expect(s.exhausted).toBe(false);
    const m = s.case;
    expect(fails(m)).toBe(true);
    expect(m.partitions).toHaveLength(1);
    expect(m.crashes).toHaveLength(1);
    expect(m.crashes[0]!.restartAtMs! - m.crashes[0]!.atMs).toBeLessThan(100);
    expect(m.attacks).toEqual([]);
    expect(m.byzantine).toEqual([]);
    expect(m.loss + m.duplicate + m.reorder).toBe(0);
    expect(m.skews.every((x) => x === 0)).toBe(true);
    expect(m.nodes).toBe(3); // nodes 3..9 dropped; node 2 must stay
    expect(m.partitions[0]!.groups.flat()).toContain(2);
    expect(m.partitions[0]!.healAtMs! - m.partitions[0]!.atMs).toBeLessThan(100);
    // Deterministic.
    expect(shrinkCase(big, fails, 500).case).toEqual(m);
  });

  it('stops at the budget and says so', () => {
    const s = shrinkCase(big, () => true, 3);
    expect(s.runs).toBe(3);
    expect(s.exhausted).toBe(true);
  });

  it('never leaves the bound of an in-bound case', () => {
    const tried: FuzzCase[] = [];
    shrinkCase(big, (c) => (tried.push(c), false), 1000);
    expect(tried.length).toBeGreaterThan(10);
    for (const c of tried) expect(withinBound(c)).toBe(true);
  });

  it('end to end: a real safety violation shrinks to the equivocating leader alone', () => {
    // reference-broken (bound 0) with its equivocating leader plus noise: a control case.
    const noisy: FuzzCase = {
      ...controlCase('reference'),
      engine: 'reference-broken',
      nodes: 6,
      byzantine: [0, 5],
      skews: [0, 20, 0, -30, 0, 0],
      durationS: 3,
      drainS: 1,
      loss: 0.1,
      crashes: [{ node: 3, atMs: 1000, restartAtMs: 1800 }],
      partitions: [{ kind: 'isolate', atMs: 500, healAtMs: 1500, groups: [[4]] }],
    };
    const violates = (c: FuzzCase): boolean => runCase({ ...c, control: false }).safetyViolations > 0;
    expect(violates(noisy)).toBe(true);
    const s = shrinkCase(noisy, violates, 80);
    expect(s.case.byzantine).toEqual([0]);
    expect(s.case.partitions).toEqual([]);
    expect(s.case.crashes).toEqual([]);
    expect(s.case.loss).toBe(0);
    expect(s.case.nodes).toBeLessThan(6);
    expect(violates(s.case)).toBe(true);
  });
});

describe('control runs beyond each bound make the checker fire', () => {
  for (const engine of SWARM_ENGINES) {
    it(`${engine}`, () => {
      const c = CONTROLS.get(engine)!;
      expect(withinBound({ ...c, control: false })).toBe(false);
      const v = runCase(c);
      expect(v.safetyViolations, v.replay).toBeGreaterThan(0);
      expect(v.failure).toBe(null);
    });
  }
  it('a control that does not fire is a failure (control-held)', () => {
    const c = { ...controlCase('reference'), byzantine: [1], behaviour: 'silent' };
    expect(runCase(c).failure).toBe('control-held');
  });
});

describe('thermo sim fuzz', () => {
  it('--control exits 0 when the checker fires; --case replays a case; bad usage exits 2', async () => {
    const ctl = await cli('sim', 'fuzz', '--engine', 'reference', '--control', '--json');
    expect(ctl.code).toBe(0);
    expect(JSON.parse(ctl.stdout.trim()).safety_violations).toBeGreaterThan(0);
    const c = { ...controlCase('reference'), byzantine: [0], behaviour: 'silent', control: false, durationS: 2, drainS: 2, livenessMs: 2000 };
    const r = await cli('sim', 'fuzz', '--case', encodeCase(c));
    expect(r.code).toBe(1); // silent leader: not live
    expect(r.stdout).toContain('LIVENESS');
    expect(r.stderr).toContain(`replay: npx thermo sim fuzz --case ${encodeCase(c)}`);
    expect((await cli('sim', 'fuzz', '--engine', 'nope')).code).toBe(2);
    expect((await cli('sim', 'fuzz')).code).toBe(2);
    expect((await cli('sim', 'fuzz', '--case', 'garbage')).code).toBe(2);
  });

  it('--seed runs the drawn case and --print-case shows it; the plain sim options still work', async () => {
    const printed = await cli('sim', 'fuzz', '--engine', 'reference', '--seed', '4', '--max-nodes', '5', '--print-case');
    expect(JSON.parse(printed.stdout)).toEqual(drawCase('reference', 4, { maxNodes: 5 }));
    const run = await cli('sim', 'fuzz', '--engine', 'reference', '--seed', '4', '--max-nodes', '5', '--json', '--no-shrink');
    const line = JSON.parse(run.stdout.trim()) as { seed: number; drawn: string; trace_hash: string };
    expect(line.seed).toBe(4);
    expect(line.drawn).toBe('npx thermo sim fuzz --engine reference --seed 4 --max-nodes 5');
    expect(line.trace_hash).toBe(runCase(drawCase('reference', 4, { maxNodes: 5 })).summary.trace_hash);
    const sim = await cli('sim', '--engine', 'reference', '--nodes', '4', '--seed', '2', '--duration', '1', '--json');
    expect(sim.code).toBe(0);
    expect(JSON.parse(sim.stdout.trim()).engine).toBe('reference');
  });
});
