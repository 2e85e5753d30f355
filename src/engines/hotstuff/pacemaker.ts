/**
 * The pacemaker (Yin et al., Section 6 and Algorithm 5): which view a replica is in, who leads
 * it, and when to give up on it.
 *
 *  - leader(v) = v mod n (round robin).
 *  - A replica enters view q + 1 as soon as it sees a QC of view q (responsiveness: no waiting
 *    for a timer on the happy path), or view v when it votes for a proposal of view v.
 *  - The view timer fires after viewTimeoutMs * 2^k, where k counts consecutive views that
 *    ended by timeout (capped at maxBackoffExponent, default 2); a QC newer than any known
 *    resets k to 0 (the engine decides what is new). Exponential backoff lets correct replicas'
 *    views overlap after GST; the small cap keeps a run of failed views from pushing timers to
 *    a minute (docs/protocols/hotstuff.md, "Deviations", 5).
 *  - On a timeout the replica moves to the next view and broadcasts NEW-VIEW(v + 1, highQC);
 *    the leader of v + 1 proposes once it holds n - f of them (or a QC of view v). A replica
 *    that sees f + 1 replicas in views above its own joins the highest view f + 1 of them have
 *    reached (at least one correct replica timed out there), which re-synchronizes views that
 *    drifted apart under different backoffs (the role of LibraBFT's timeout messages; the paper
 *    sends NEW-VIEW to the next leader only: docs/protocols/hotstuff.md, "Deviations").
 *  - Views ahead of the replica's by more than MAX_VIEW_AHEAD (beyond what a QC proves) are
 *    refused: a Byzantine leader cannot drag correct replicas arbitrarily far ahead.
 */
import type { Effect, NodeIndex } from '../../protocol/index.js';
import type { HsMessage } from './messages.js';
import type { HotStuffParams } from './params.js';

export const VIEW_TIMER = 'view';
/** How far beyond max(current view, highest QC view + 1) a message's view may be. */
export const MAX_VIEW_AHEAD = 64;

type Out = Effect<HsMessage>;
const EMPTY: ReadonlySet<NodeIndex> = new Set();

export class Pacemaker {
  private currentView = 1;
  private consecutiveTimeouts = 0;
  /** view -> replicas that announced it in a NEW-VIEW. Bounded: views within MAX_VIEW_AHEAD. */
  private readonly newViews = new Map<number, Set<NodeIndex>>();
  /** Highest view each replica announced in a new-view (at most n entries). */
  private readonly announced = new Map<NodeIndex, number>();

  constructor(
    private readonly n: number,
    private readonly params: HotStuffParams,
  ) {}

  get view(): number {
    return this.currentView;
  }

  get backoff(): number {
    return this.consecutiveTimeouts;
  }

  leader(view: number): NodeIndex {
    return view % this.n;
  }

  timeoutMs(): number {
    return this.params.viewTimeoutMs * 2 ** Math.min(this.consecutiveTimeouts, this.params.maxBackoffExponent);
  }

  /** Restores the view after a restart (the timer is armed by `arm`). */
  restore(view: number): void {
    this.currentView = Math.max(1, view);
  }

  arm(now: number, out: Out[]): void {
    out.push({ kind: 'set-timer', timer: VIEW_TIMER, at: now + this.timeoutMs() });
  }

  /**
   * Moves to `view` if it is higher. `progress` (a new QC was seen) resets the backoff.
   * Returns true when the view changed.
   */
  advance(view: number, progress: boolean, now: number, out: Out[]): boolean {
    if (progress) this.consecutiveTimeouts = 0;
    if (view <= this.currentView) return false;
    this.currentView = view;
    for (const v of [...this.newViews.keys()]) if (v < view) this.newViews.delete(v);
    this.arm(now, out);
    return true;
  }

  /** The view timer fired: next view, longer timeout. Returns the new view. */
  onTimeout(now: number, out: Out[]): number {
    this.consecutiveTimeouts++;
    this.currentView++;
    for (const v of [...this.newViews.keys()]) if (v < this.currentView) this.newViews.delete(v);
    this.arm(now, out);
    return this.currentView;
  }

  /** Highest view a message may carry, given the highest QC view known. */
  viewLimit(highQcView: number): number {
    return Math.max(this.currentView, highQcView + 1) + MAX_VIEW_AHEAD;
  }

  /** Records that `from` entered `view` (a verified new-view); returns how many distinct replicas did. */
  recordEntered(view: number, from: NodeIndex): number {
    if (view < this.currentView) return 0;
    let m = this.newViews.get(view);
    if (m === undefined) {
      m = new Set();
      this.newViews.set(view, m);
    }
    m.add(from);
    return m.size;
  }

  /** The replicas known to have entered `view` (empty once the view is behind us). */
  entered(view: number): ReadonlySet<NodeIndex> {
    return this.newViews.get(view) ?? EMPTY;
  }

  newViewCount(view: number): number {
    return this.newViews.get(view)?.size ?? 0;
  }

  /** Notes that `from` announced `view`; returns the view to join (0: none) by the f + 1 rule. */
  noteAnnounced(from: NodeIndex, view: number, f: number): number {
    if (view > (this.announced.get(from) ?? 0)) this.announced.set(from, view);
    const above = [...this.announced.values()].filter((v) => v > this.currentView).sort((a, b) => b - a);
    return above.length >= f + 1 ? above[f]! : 0;
  }
}
