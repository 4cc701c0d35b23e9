/**
 * What every protocol probe answers: whether the target did what was asked, how long it took, and
 * what happened in words. A target that cannot be reached is a result (`reachable: false` with the
 * error in `detail`), never an exception (STYLE.md 7).
 */
export interface ProbeResult {
  /** The target answered and the answer is good (SIP 2xx, HTTP 2xx/3xx, TCP connected, ping replied). */
  ok: boolean;
  /** The target answered at all, good or bad (a SIP 503 is reachable but not ok). */
  reachable: boolean;
  /** Round trip of the exchange; null when there was no answer. */
  rttMs: number | null;
  detail: string;
}

export function unreachable(detail: string): ProbeResult {
  return { ok: false, reachable: false, rttMs: null, detail };
}

/** The error's message, with its system code when it has one (`ECONNREFUSED`). */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
}

/** Milliseconds since `start` (from `performance.now()`), rounded to 0.1 ms. */
export function elapsedMs(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}
