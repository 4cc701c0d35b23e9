/**
 * Login throttling that slows attackers, not owners (issue 18.3; OWASP Authentication Cheat Sheet,
 * "Login Throttling"), for the dashboard's logins and the embedded broker's:
 *
 * - Per (address, username): after `perPair.maxFailures` failures within the window, that account
 *   is refused from that address, without checking the password, until the oldest failure leaves
 *   the window. The same account from another address, and every other account from this address,
 *   are not affected: a guessing client behind a shared NAT cannot lock out the rooms or the users
 *   behind the same address.
 * - Per address: past `perAddress.freeFailures` failures within the window (any accounts), every
 *   attempt from that address waits before its password is checked, twice as long for each further
 *   failure up to `maxDelayMs`, and only `maxWaiting` attempts may wait at once (more are refused
 *   with a time to retry). Guessing across accounts slows to a few tries a second, at no hashing
 *   cost; an owner behind that address still gets in, a little later. `maxDelayMs` stays under an
 *   agent's MQTT connect timeout (10 s), or the owner's attempt would time out before its answer.
 *
 * A success clears its own (address, username) only. Usernames longer than MAX_USERNAME_CHARS are
 * refused by the callers before they reach here: they are no account's name, and must not become a
 * key here, a hashing cost or a line in a log.
 */
import { type Clock, systemClock } from '../../shared/clock.js';

/** No account has a longer name: room ids and dashboard usernames are at most 64 characters. */
export const MAX_USERNAME_CHARS = 64;

export interface LimitRule {
  maxFailures: number;
  windowMs: number;
}

export interface SlowdownRule {
  /** Failures from one address within the window before its attempts are slowed. */
  freeFailures: number;
  windowMs: number;
  /** The wait after the first failure past `freeFailures`; it doubles with every further one. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Attempts from one address that may wait at once; more are refused until one is answered. */
  maxWaiting: number;
}

export interface LoginRules {
  perPair: LimitRule;
  perAddress: SlowdownRule;
}

export type LoginVerdict =
  | { allowed: true; delayMs: number }
  | { allowed: false; reason: 'account-throttled' | 'address-busy'; retryAfterMs: number };

export const defaultLoginRules: LoginRules = {
  perPair: { maxFailures: 5, windowMs: 15 * 60_000 },
  perAddress: { freeFailures: 20, windowMs: 15 * 60_000, firstDelayMs: 500, maxDelayMs: 5000, maxWaiting: 4 },
};

/** Pure: given the times (ms) of recent failures, may one more attempt be made at `nowMs`? */
export function limitVerdict(
  failures: readonly number[],
  nowMs: number,
  rule: LimitRule,
): { allowed: true } | { allowed: false; retryAfterMs: number } {
  const recent = failures.filter((t) => t > nowMs - rule.windowMs);
  if (recent.length < rule.maxFailures) return { allowed: true };
  const oldest = Math.min(...recent);
  return { allowed: false, retryAfterMs: oldest + rule.windowMs - nowMs };
}

/** Pure: how long an attempt from an address with these recent failures waits at `nowMs`. */
export function slowdownMs(failures: readonly number[], nowMs: number, rule: SlowdownRule): number {
  const excess = failures.filter((t) => t > nowMs - rule.windowMs).length - rule.freeFailures;
  if (excess <= 0) return 0;
  return Math.min(rule.maxDelayMs, rule.firstDelayMs * 2 ** Math.min(excess - 1, 30));
}

/** Pure: the verdict on one attempt, from the pair's and the address's failures and who already waits. */
export function loginVerdict(
  pairFailures: readonly number[],
  addressFailures: readonly number[],
  waiting: number,
  nowMs: number,
  rules: LoginRules,
): LoginVerdict {
  const pair = limitVerdict(pairFailures, nowMs, rules.perPair);
  if (!pair.allowed) return { allowed: false, reason: 'account-throttled', retryAfterMs: pair.retryAfterMs };
  const delayMs = slowdownMs(addressFailures, nowMs, rules.perAddress);
  if (delayMs > 0 && waiting >= rules.perAddress.maxWaiting)
    return { allowed: false, reason: 'address-busy', retryAfterMs: delayMs };
  return { allowed: true, delayMs };
}

/**
 * Keys kept per map; past it the least recently failed go first (the expired among them). A
 * bound, so an attacker spraying from many addresses costs memory no more than this; never a
 * reset, so spraying cannot clear a pair it keeps failing on.
 */
const MAX_KEYS = 10_000;

export class LoginLimiter {
  private readonly pairs = new Map<string, number[]>();
  private readonly addresses = new Map<string, number[]>();
  private readonly waiting = new Map<string, number>();

  constructor(
    private readonly rules: LoginRules = defaultLoginRules,
    private readonly clock: Pick<Clock, 'now' | 'sleep'> = systemClock,
  ) {}

  /**
   * The verdict on one attempt; an allowed attempt from a slowed address resolves only after its
   * wait, so the caller checks the password once this resolves.
   */
  async admit(address: string, username: string): Promise<LoginVerdict> {
    const verdict = loginVerdict(
      this.pairs.get(pairKey(address, username)) ?? [],
      this.addresses.get(address) ?? [],
      this.waiting.get(address) ?? 0,
      this.clock.now().getTime(),
      this.rules,
    );
    if (!verdict.allowed || verdict.delayMs === 0) return verdict;
    this.waiting.set(address, (this.waiting.get(address) ?? 0) + 1);
    try {
      await this.clock.sleep(verdict.delayMs);
    } finally {
      const left = (this.waiting.get(address) ?? 1) - 1;
      if (left > 0) this.waiting.set(address, left);
      else this.waiting.delete(address);
    }
    return verdict;
  }

  fail(address: string, username: string): void {
    const now = this.clock.now().getTime();
    note(this.pairs, pairKey(address, username), now, this.rules.perPair.windowMs);
    note(this.addresses, address, now, this.rules.perAddress.windowMs);
  }

  succeed(address: string, username: string): void {
    this.pairs.delete(pairKey(address, username));
  }
}

const pairKey = (address: string, username: string) => `${address}\u0000${username}`;

/** Records a failure at `now` under `key`, keeping the map within MAX_KEYS. */
function note(map: Map<string, number[]>, key: string, now: number, windowMs: number): void {
  const kept = (map.get(key) ?? []).filter((t) => t > now - windowMs);
  kept.push(now);
  map.delete(key); // re-inserted last: Map order is then least recently failed first
  map.set(key, kept);
  for (const k of map.keys()) {
    if (map.size <= MAX_KEYS) break;
    map.delete(k);
  }
}
