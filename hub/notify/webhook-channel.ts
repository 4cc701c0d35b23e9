/**
 * HTTP POST of a notification as JSON to a chat bridge or ticket system, retried with exponential
 * backoff when the receiver is down or answers 5xx/429; a 4xx other than 429 is not retried (the
 * request itself is wrong). The wait is injected so tests do not sleep.
 */
import { type Clock, systemClock } from '../../shared/clock.js';
import type { SendResult } from './smtp-channel.js';

export interface WebhookOptions {
  attempts: number;
  /** Wait before the second attempt; doubled after each failure. */
  backoffMs: number;
  timeoutMs: number;
}

export async function postWebhook(
  url: string,
  payload: unknown,
  options: WebhookOptions,
  /** The wait between attempts: the machine's, since a backoff waits on the receiver, not on the day. */
  sleep: Clock['sleep'] = systemClock.sleep,
): Promise<SendResult> {
  let error = '';
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (attempt > 1) await sleep(options.backoffMs * 2 ** (attempt - 2));
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await res.arrayBuffer();
      if (res.ok) return { ok: true, attempts: attempt };
      error = `HTTP ${res.status}`;
      if (res.status < 500 && res.status !== 429)
        return { ok: false, attempts: attempt, error, permanent: true };
    } catch (err) {
      error = (err as Error).message;
    }
  }
  return { ok: false, attempts: options.attempts, error };
}
