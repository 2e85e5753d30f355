/**
 * Polling helpers for tests that drive real node processes (test/e2e, test/reliability): read a
 * node's whole finalized log through its API, and wait for a condition with a deadline.
 */
import type { FinalEntryJson, NodeClient } from '../../src/node/index.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every finalized entry of the node, in pages of 1,000. */
export async function allEntries(client: NodeClient): Promise<FinalEntryJson[]> {
  const out: FinalEntryJson[] = [];
  for (;;) {
    const page = await client.blocks(out.length, 1000);
    out.push(...page);
    if (page.length < 1000) return out;
  }
}

/** Polls `cond` every 250 ms (a throwing poll counts as false) until it holds or `ms` pass. */
export async function waitFor(what: string, cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}
