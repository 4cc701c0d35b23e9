/**
 * How the hub's process sizes its JavaScript heap. V8 lets the old generation grow to up to four
 * times what survived the last full collection when collecting is cheap, and a hub is exactly that:
 * every room's latest telemetry, view and readiness live a few seconds, long enough to be promoted,
 * then die. At 10,000 rooms on two hubs that put each hub at 330–340 MB while it held about 90 MB
 * (bench/results.md); grown by half instead, it stays near 210 MB, its p99 publish → applied within
 * 150 ms. Set when the hub process starts (this flag is read at each collection), not for tests
 * that run hubs inside Jest's workers.
 */
import { setFlagsFromString } from 'node:v8';

/** The old generation may grow to 1.5 times what survived the last full collection. */
export const HEAP_GROWING_PERCENT = 50;

export function applyHubHeapSettings(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
