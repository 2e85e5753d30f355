/**
 * A shipped region latency matrix, with its public source.
 *
 * Source: SimBlock (Aoki, Otsuki, Kaneko, Banno, Shudo, "SimBlock: A Blockchain Network
 * Simulator", IEEE INFOCOM Workshops 2019), repository github.com/dsg-titech/simblock, file
 * simulator/src/main/java/simblock/settings/NetworkConfiguration.java, Apache License 2.0.
 * We ship the numbers (facts), not its code:
 *   - LATENCY_2019: mean one-way message latency in ms between the six regions. SimBlock
 *     delivers a message after a sample of this latency (plus a constant 10 ms of its own,
 *     which we do not add: our cost model charges processing separately).
 *   - The per-region node bandwidths of 2019 (the diagonal of its UPLOAD/DOWNLOAD_BANDWIDTH_2019
 *     matrices, equal to its commented-out per-region lists), in bits per second.
 *   - REGION_DISTRIBUTION_BITCOIN_2019: the share of Bitcoin nodes per region.
 * SimBlock's jitter is a Pareto distribution with scale = mean - 5 ms and shape = 0.2 * mean
 * (whose mean is exactly `mean` for these values); `network.ts` implements that law with the
 * bit-exact dmath exp/log so every JS engine draws the same latencies.
 */

export const REGION_NAMES = Object.freeze(['north-america', 'europe', 'south-america', 'asia-pacific', 'japan', 'australia'] as const);
export type RegionName = (typeof REGION_NAMES)[number];
export const REGION_COUNT = REGION_NAMES.length;

/** Mean one-way latency in ms, [from][to] (SimBlock LATENCY_2019). Symmetric. */
export const SIMBLOCK_LATENCY_2019_MS: readonly (readonly number[])[] = Object.freeze([
  Object.freeze([32, 124, 184, 198, 151, 189]),
  Object.freeze([124, 11, 227, 237, 252, 294]),
  Object.freeze([184, 227, 88, 325, 301, 322]),
  Object.freeze([198, 237, 325, 85, 58, 198]),
  Object.freeze([151, 252, 301, 58, 12, 126]),
  Object.freeze([189, 294, 322, 198, 126, 16]),
]);

/** Per-region node upload bandwidth, bits/s (SimBlock UPLOAD_BANDWIDTH_2019 diagonal). */
export const SIMBLOCK_UPLOAD_BPS_2019: readonly number[] = Object.freeze([19_200_000, 20_700_000, 5_800_000, 15_700_000, 10_200_000, 11_300_000]);
/** Per-region node download bandwidth, bits/s (SimBlock DOWNLOAD_BANDWIDTH_2019 diagonal). */
export const SIMBLOCK_DOWNLOAD_BPS_2019: readonly number[] = Object.freeze([52_000_000, 40_000_000, 18_000_000, 22_800_000, 22_800_000, 29_900_000]);

/** Share of nodes per region (SimBlock REGION_DISTRIBUTION_BITCOIN_2019); sums to 1.0000. */
export const SIMBLOCK_BITCOIN_2019_DISTRIBUTION: readonly number[] = Object.freeze([0.3316, 0.4998, 0.009, 0.1177, 0.0224, 0.0195]);

export const REGIONS_SOURCE =
  'SimBlock (dsg-titech/simblock, simulator/src/main/java/simblock/settings/NetworkConfiguration.java, LATENCY_2019; Apache-2.0)';
