/**
 * Login rate limiting: after too many failed logins for one username, or from one address, within
 * a window, further attempts are refused (429) until the oldest failure leaves the window. It
 * stops password guessing without a CAPTCHA; a success clears the username's count.
 */

export interface LimitRule {
  maxFailures: number;
  windowMs: number;
}

export type LimitVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Pure: given the times (ms) of recent failures, may one more attempt be made at `nowMs`? */
export function limitVerdict(failures: readonly number[], nowMs: number, rule: LimitRule): LimitVerdict {
  const recent = failures.filter((t) => t > nowMs - rule.windowMs);
  if (recent.length < rule.maxFailures) return { allowed: true };
  const oldest = Math.min(...recent);
  return { allowed: false, retryAfterMs: oldest + rule.windowMs - nowMs };
}

export const defaultLoginRules = {
  perUsername: { maxFailures: 5, windowMs: 15 * 60_000 },
  perAddress: { maxFailures: 20, windowMs: 15 * 60_000 },
} as const;

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly rules: { perUsername: LimitRule; perAddress: LimitRule } = defaultLoginRules,
    private readonly now: () => Date = () => new Date(),
  ) {}

  check(address: string, username: string): LimitVerdict {
    const t = this.now().getTime();
    const byUser = limitVerdict(this.failures.get(`u:${username}`) ?? [], t, this.rules.perUsername);
    const byAddress = limitVerdict(this.failures.get(`a:${address}`) ?? [], t, this.rules.perAddress);
    if (byUser.allowed && byAddress.allowed) return { allowed: true };
    const wait = Math.max(
      byUser.allowed ? 0 : byUser.retryAfterMs,
      byAddress.allowed ? 0 : byAddress.retryAfterMs,
    );
    return { allowed: false, retryAfterMs: wait };
  }

  fail(address: string, username: string): void {
    const t = this.now().getTime();
    const windowMs = Math.max(this.rules.perUsername.windowMs, this.rules.perAddress.windowMs);
    for (const key of [`u:${username}`, `a:${address}`]) {
      const kept = (this.failures.get(key) ?? []).filter((x) => x > t - windowMs);
      kept.push(t);
      this.failures.set(key, kept);
    }
  }

  succeed(username: string): void {
    this.failures.delete(`u:${username}`);
  }
}
