/**
 * Byzantine nodes. The simulator marks `count` nodes Byzantine (explicit indices, or a seeded
 * shuffle) and runs a behaviour in place of the honest engine:
 *   - 'silent': built in for every engine; never sends anything (a crashed or censoring node
 *     that still counts against the fault bound).
 *   - any name in the engine definition's `adversaries` map (equivocate, split-world, ...):
 *     the engine's own author knows what lying looks like in its protocol.
 * Plus a message-level hook (`MessageTamper`) for attacks no engine implements: it sees every
 * message a Byzantine node sends, per recipient, and may pass, replace or drop it. It is a
 * function, so a run that uses it is reproducible in code but not from the command line
 * (the replay command says so).
 *
 * Invariants and metrics only ever judge honest nodes.
 */
import type { Prng } from '../core/index.js';
import type { EngineContext, ErasedEngine, ErasedEngineDefinition, NodeIndex } from '../protocol/index.js';
import { SimError } from './errors.js';

export const SILENT = 'silent';

export interface TamperContext {
  readonly from: NodeIndex;
  readonly to: NodeIndex;
  readonly atMs: number;
  /** The tamper hook's own seeded stream. */
  readonly rng: Prng;
  /** Sends one more copy to the same recipient after this one (floods); same codec path. */
  readonly also: (message: unknown) => void;
}

/** Returns the message to send to `to` (the same, a replacement) or null to drop it. */
export type MessageTamper = (ctx: TamperContext, message: unknown) => unknown;

/** An engine that ignores every input and sends nothing. */
export function silentEngine(ctx: EngineContext<unknown>): ErasedEngine {
  return Object.freeze({
    handle: () => [],
    status: () => Object.freeze({ finalized: 0, height: 0, telemetry: Object.freeze({}) }),
    finalizedState: () => ctx.genesis,
  });
}

/** The names a definition can play, 'silent' first. */
export function knownBehaviours(definition: ErasedEngineDefinition): readonly string[] {
  return [SILENT, ...Object.keys(definition.adversaries ?? {}).sort()];
}

export function checkBehaviour(definition: ErasedEngineDefinition, behaviour: string): void {
  if (behaviour === SILENT) return;
  if (definition.adversaries?.[behaviour] === undefined) {
    throw new SimError({
      code: 'SIM_UNKNOWN_ADVERSARY',
      engine: definition.name,
      behaviour,
      known: knownBehaviours(definition).join(', '),
    });
  }
}

export function createByzantineEngine(definition: ErasedEngineDefinition, behaviour: string, ctx: EngineContext<unknown>): ErasedEngine {
  if (behaviour === SILENT) return silentEngine(ctx);
  checkBehaviour(definition, behaviour);
  return definition.adversaries![behaviour]!(ctx);
}

/**
 * Which nodes are Byzantine: `explicit` when given, else floor(fraction * n) nodes drawn by a
 * seeded shuffle (so which node is the leader does not decide whether the adversary holds it).
 */
export function chooseByzantine(n: number, fraction: number, rng: Prng, explicit?: readonly number[]): readonly boolean[] {
  const out: boolean[] = new Array<boolean>(n).fill(false);
  if (explicit !== undefined) {
    for (const i of explicit) out[i] = true;
    return Object.freeze(out);
  }
  const count = Math.floor(fraction * n + 1e-9);
  const order = rng.shuffled(Array.from({ length: n }, (_, i) => i));
  for (let k = 0; k < count; k++) out[order[k]!] = true;
  return Object.freeze(out);
}
