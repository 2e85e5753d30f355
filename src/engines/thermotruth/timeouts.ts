/**
 * Round timeouts of one epoch: who said "round r timed out for me" (the `timeout` message), so
 * that honest nodes leave a round together (the pacemaker of LibraBFT / DiemBFT, section 5.1 of
 * "State Machine Replication in the Libra Blockchain", 2019, with its timeout certificate
 * replaced by counting authenticated senders, which the runtime guarantees).
 *
 * Why. A node used to move to round r + 1 on its own timer. Timers differ between nodes (each
 * scales its timeout by the epoch pace it measured), so a node with a short one raced through
 * the rounds alone while the rest waited in an earlier one, and a quorum never met in any round
 * (swarm seed 1: n = 10, three silent, 19 % loss: one node in round 5, the others in round 2,
 * nothing final for 30 s). Now:
 *   - a node whose round-r timer fires sends timeout(r) to all and stays in r;
 *   - f + 1 timeouts for r (one of them honest) make a node send its own timeout(r) as well;
 *   - q timeouts for r move a node to r + 1 (and every honest node gets there: the q include
 *     f + 1 honest nodes, whose timeouts make all others send theirs).
 * A node that missed the messages re-sends its timeout on the lost-message check; nodes that
 * already timed out of that round answer it with their own, so it collects q as well.
 * Bounded: rounds [current, current + lookahead] only; one set of at most n senders per round.
 */
import type { NodeIndex } from '../../protocol/index.js';

export class RoundTimeouts {
  private readonly byRound = new Map<number, Set<NodeIndex>>();
  /** Rounds this node sent timeout(r) for. */
  private readonly sent = new Set<number>();

  constructor(private readonly lookahead: number) {}

  /**
   * Records timeout(round) from `from` while this node is in `current`; returns how many
   * distinct validators sent it, or 0 when the round is outside [current, current + lookahead].
   */
  record(from: NodeIndex, round: number, current: number): number {
    if (round < current || round > current + this.lookahead) return 0;
    let s = this.byRound.get(round);
    if (s === undefined) this.byRound.set(round, (s = new Set()));
    s.add(from);
    for (const r of this.byRound.keys()) if (r < current) this.byRound.delete(r);
    return s.size;
  }

  count(round: number): number {
    return this.byRound.get(round)?.size ?? 0;
  }

  /** Marks timeout(round) as sent by this node; false when it already was. */
  markSent(round: number): boolean {
    if (this.sent.has(round)) return false;
    this.sent.add(round);
    return true;
  }

  hasSent(round: number): boolean {
    return this.sent.has(round);
  }
}
