/**
 * A same-run yardstick for benchmarks whose figures move with the machine: the CPU time of one
 * Ed25519 verification (node:crypto, the call every validator makes once per transfer), taken
 * with process.cpuUsage() so that other processes competing for the cores do not count, only
 * how fast this machine runs the work right now. A benchmark divides its CPU per unit of work by
 * this to state the cost in signature checks, a figure that noisy runs can be compared on.
 */
import { keyPairFromSeed, sign, verify } from '../src/core/crypto/ed25519.js';

const PROBE_KEY = keyPairFromSeed(new Uint8Array(32).fill(0x5a));
const PROBE_MESSAGE = new Uint8Array(32).fill(0xa5);
const PROBE_SIGNATURE = sign(PROBE_KEY, PROBE_MESSAGE);

/** Median CPU microseconds per verify over `rounds` rounds of `perRound` verifications. */
export function ed25519VerifyCpuUs(rounds = 5, perRound = 40): number {
  const perVerify: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < perRound; i++) {
      if (!verify(PROBE_KEY.publicKey, PROBE_MESSAGE, PROBE_SIGNATURE)) throw new Error('verify probe: the probe signature does not verify');
    }
    const c = process.cpuUsage(c0);
    perVerify.push((c.user + c.system) / perRound);
  }
  perVerify.sort((a, b) => a - b);
  return Math.round(perVerify[Math.floor(rounds / 2)]! * 10) / 10;
}
