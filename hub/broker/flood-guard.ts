/**
 * What the hub does about a room that sends far more than a room should (issue 18.2): a
 * compromised controller, or a bug in a loop, must not cost the other rooms their messages.
 *
 * - On the embedded broker the broker itself keeps each room under `mqtt.floodPerSec` (its bucket
 *   is per account, so logging in again does not refill it) and tells the guard each time it
 *   disconnects the room; the guard raises the room's `room.flooding` incident, which closes once
 *   the room has not flooded for FLOOD_QUIET_MS.
 * - Behind an external Mosquitto, which has no per-client rate limit, the hub counts each room's
 *   messages as they reach it (`admit`, before any decoding) against the same rule. A room over it
 *   is cut off: its account is disabled (until an operator issues it a new password), the broker's
 *   files are written again without it and Mosquitto reloaded, which disconnects it
 *   (mosquitto-control.ts), and the incident raised. Meanwhile the hub drops the room's messages
 *   unread, so what the broker had already queued for the hub drains fast and the other rooms'
 *   messages behind it arrive. Its `status` still gets through: the last will that says `offline`.
 *
 * Every cut-off is in the audit log with its outcome.
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { type Bucket, type RateRule, takeToken } from '../../shared/token-bucket.js';
import { parseTopic } from '../../shared/topics.js';
import type { AuditLog } from '../security/audit-log.js';
import type { MqttCredentials } from '../security/mqtt-credentials.js';
import type { BrokerControl, ControlOutcome } from './mosquitto-control.js';

/** A room the embedded broker disconnected for flooding, quiet this long, has stopped. */
export const FLOOD_QUIET_MS = 10 * 60_000;
/** The flag the incident rules read (hub/incidents/incident-rules.ts, `edgeOfEvent`). */
export const FLOOD_RAISED = 'mqtt.flood';
export const FLOOD_CLEARED = 'mqtt.flood-over';

export interface FloodGuardDeps {
  rule: RateRule;
  /** Behind an external broker: the hub counts, cuts off and drops. Else the embedded broker limits. */
  external: boolean;
  /** Whether a room id is one of the fleet's (only those are counted, so the counts stay bounded). */
  isRoom(roomId: string): boolean;
  credentials: Pick<MqttCredentials, 'disable' | 'disabledAccounts'>;
  control: BrokerControl;
  audit: Pick<AuditLog, 'record'>;
  incidents: { onHubEdge(roomId: string, type: string, data: Record<string, unknown>): void };
  /** How often it looks again (`mqtt.floodRecheckSec`): accounts disabled in the store, cut-offs left to make, floods over. */
  recheckMs: number;
  log: Logger;
  clock: Clock;
}

export interface FloodStatus {
  /** Rooms cut off at the external broker, or disconnected for flooding by the embedded one lately. */
  flooding: string[];
  /** Messages of cut-off rooms dropped by the hub unread. */
  droppedMessages: number;
}

export class FloodGuard {
  private readonly buckets = new Map<string, Bucket>();
  /** Rooms whose incident flag is raised, with when they last flooded (ms). */
  private readonly flagged = new Map<string, number>();
  /**
   * Behind an external broker: rooms whose messages are dropped unread, and whether their account
   * is disabled yet (`pending` while the store refused it: tried again at the next recheck;
   * `disabling` while the store is asked, so that a recheck meanwhile does not ask twice).
   */
  private readonly cutOff = new Map<string, 'pending' | 'disabling' | 'disabled'>();
  private dropped = 0;
  private timer: unknown = null;
  private readonly log: Logger;

  constructor(private readonly deps: FloodGuardDeps) {
    this.log = deps.log.child({ part: 'flood-guard' });
  }

  /** Rooms disabled before this start (by an earlier run) are cut off and flagged again. */
  async start(): Promise<void> {
    this.timer = this.deps.clock.setInterval(() => void this.recheck(), this.deps.recheckMs);
    await this.recheck();
  }

  stop(): void {
    if (this.timer) this.deps.clock.clearInterval(this.timer);
    this.timer = null;
  }

  status(): FloodStatus {
    return { flooding: [...this.flagged.keys()].sort(), droppedMessages: this.dropped };
  }

  /**
   * Whether the hub should read a message that reached it; false for a cut-off room's (its status
   * excepted). Cheap: the topic is parsed, the payload not looked at.
   */
  admit(topic: string): boolean {
    if (!this.deps.external) return true;
    const parsed = parseTopic(topic);
    if (parsed.kind !== 'room' || !this.deps.isRoom(parsed.roomId)) return true;
    const { roomId, channel } = parsed;
    if (this.cutOff.has(roomId)) {
      if (channel === 'status') return true;
      this.dropped++;
      return false;
    }
    const taken = takeToken(this.buckets.get(roomId), this.deps.clock.now().getTime(), this.deps.rule);
    this.buckets.set(roomId, taken.bucket);
    if (taken.allowed) return true;
    this.cutOff.set(roomId, 'pending');
    this.flagged.set(roomId, this.deps.clock.now().getTime());
    this.log.warn(
      { room: roomId, perSec: this.deps.rule.perSec, burst: this.deps.rule.burst },
      'room over its message rate: cutting it off',
    );
    this.deps.incidents.onHubEdge(roomId, FLOOD_RAISED, { broker: 'external' });
    void this.cutOffAtBroker(roomId);
    this.dropped++;
    return channel === 'status';
  }

  /** The embedded broker disconnected a room for going over its rate. */
  brokerFlooded(roomId: string): void {
    const first = !this.flagged.has(roomId);
    this.flagged.set(roomId, this.deps.clock.now().getTime());
    if (!first) return;
    this.audit('mqtt.flood', { roomId, broker: 'embedded', ...this.deps.rule }, { ok: true });
    this.deps.incidents.onHubEdge(roomId, FLOOD_RAISED, { broker: 'embedded' });
  }

  /** Disables the room's account and has the broker apply it; every step's outcome is audited. */
  private async cutOffAtBroker(roomId: string): Promise<void> {
    const { rule } = this.deps;
    this.cutOff.set(roomId, 'disabling');
    try {
      await this.deps.credentials.disable(
        roomId,
        `over ${rule.perSec} messages/s (burst ${rule.burst})`,
        'system',
      );
    } catch (err) {
      // The store refused (locked past its wait, unreachable): the room stays cut off at the
      // hub, and the next recheck tries again.
      this.cutOff.set(roomId, 'pending');
      this.log.error(
        { room: roomId, err: (err as Error).message },
        'could not disable the flooding room’s account yet',
      );
      return;
    }
    this.cutOff.set(roomId, 'disabled');
    const outcome = await this.deps.control.apply();
    if (!outcome.ok)
      this.log.error(
        { room: roomId, code: outcome.code, err: outcome.message },
        'could not cut the room off at the broker; the hub drops its messages meanwhile',
      );
    else this.log.warn({ room: roomId }, 'room cut off at the broker');
    this.audit('mqtt.cut-off', { roomId, broker: 'external', ...rule }, outcome);
  }

  /** Not awaited: the audit log appends it in order, and logs and counts it if it cannot. */
  private audit(action: string, details: Record<string, unknown>, outcome: ControlOutcome): void {
    void this.deps.audit.record(
      'system',
      action,
      details,
      outcome.ok ? undefined : { result: 'failed', code: outcome.code },
    );
  }

  /**
   * Clears what is over: a room the embedded broker has not had to disconnect for FLOOD_QUIET_MS;
   * a room cut off at the external broker once its account works again (a new password was
   * issued). Takes in accounts disabled elsewhere (an earlier run, another hub instance).
   */
  private async recheck(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    if (!this.deps.external) {
      for (const [roomId, at] of this.flagged) if (now - at >= FLOOD_QUIET_MS) this.clear(roomId);
      return;
    }
    let disabled: Set<string>;
    try {
      disabled = new Set(await this.deps.credentials.disabledAccounts());
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'could not read the disabled accounts; next recheck');
      return;
    }
    for (const roomId of disabled) {
      const state = this.cutOff.get(roomId);
      if (state === 'disabled' || state === 'disabling') continue;
      this.cutOff.set(roomId, 'disabled');
      this.flagged.set(roomId, now);
      this.deps.incidents.onHubEdge(roomId, FLOOD_RAISED, { broker: 'external' });
    }
    for (const [roomId, state] of [...this.cutOff]) {
      if (state === 'pending') void this.cutOffAtBroker(roomId);
      else if (state === 'disabled' && !disabled.has(roomId)) this.clear(roomId);
    }
  }

  private clear(roomId: string): void {
    this.flagged.delete(roomId);
    this.cutOff.delete(roomId);
    this.buckets.delete(roomId);
    this.deps.incidents.onHubEdge(roomId, FLOOD_CLEARED, {});
  }
}
