/**
 * Configuration approved by the hub (art. 5.3: no one changes the equipment's configuration
 * parameters; the configuration is managed centrally). The operator approves a room's current codec
 * configuration (the room reads its watched values, `config.read`) or a fleet template; the hub
 * stores it and delivers it (`config.baseline`), which the room keeps on its disk and watches from
 * then on. The room's answer and its later `config.drift` / `config.restored` events say what
 * differs, key by key with the approved and the found value; readiness shows it and the incident
 * rules open a configuration incident. An agent that starts again (a new boot) gets the approved
 * configuration again; a hub that starts again knows the approvals and the drift from its database.
 * Every approval is audited with its outcome.
 */
import type { Clock } from '../../shared/clock.js';
import { configHash } from '../../shared/config-hash.js';
import type { Logger } from '../../shared/logger.js';
import type { CommandClient, CommandOutcome } from '../commands/command-client.js';
import type { AuditLog } from '../security/audit-log.js';
import type {
  ApprovedConfig,
  ApprovedConfigsRepo,
  ConfigDelivery,
  ConfigDrift,
  ConfigTemplate,
} from './approved-configs-repo.js';

export interface ConfigApprovalDeps {
  repo: ApprovedConfigsRepo;
  commands: Pick<CommandClient, 'send'>;
  audit: Pick<AuditLog, 'record'>;
  /** Readiness learns the room's drift (empty: on its approved configuration). */
  noteDrift: (roomId: string, drifts: readonly ConfigDrift[]) => void;
  clock: Clock;
  log: Logger;
  /** How long a room has to answer a read or a delivery (and after which the order lapses). */
  timeoutMs: number;
}

export type Delivered = { ok: true; delivery: ConfigDelivery } | { ok: false; code: string; error: string };

export type Approval =
  | { ok: true; approved: ApprovedConfig; delivered: Delivered }
  | { ok: false; code: string; error: string };

function failure(o: CommandOutcome): { ok: false; code: string; error: string } {
  return {
    ok: false,
    code: o.error?.code ?? 'failed',
    error: o.error?.message ?? 'the room did not say why',
  };
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** The differences a room answered to a delivery. */
function driftsOf(result: Record<string, unknown> | undefined): ConfigDrift[] {
  const list = Array.isArray(result?.drifts) ? result.drifts : [];
  return list.flatMap((d: Record<string, unknown>) =>
    str(d?.key) && str(d?.approved) !== null
      ? [{ key: d.key as string, approved: d.approved as string, found: str(d.found) }]
      : [],
  );
}

/** How long the hub trusts its list of the rooms with an approved configuration (another hub may approve one). */
export const APPROVED_ROOMS_MS = 60_000;

const NONE_APPROVED: Delivered = { ok: false, code: 'none', error: 'no approved configuration' };
const LIST_NOT_READ: Delivered = {
  ok: false,
  code: 'not-read',
  error: 'the approved rooms could not be read',
};

export class ConfigApproval {
  /** The agent run each room last received its approved configuration on (or is receiving it on). */
  private readonly deliveredTo = new Map<string, string>();
  /** Per room, its drift events still being stored: the next waits, so the last one heard stands. */
  private readonly drifting = new Map<string, Promise<void>>();
  /**
   * The rooms with an approved configuration, as the store said at `at`: a room heard from is looked
   * up here, and only a room in it is read from the store. Reading each room at each of its news was
   * a query per telemetry of every room without one (all of them until approvals are made: 2,000 a
   * second at 10,000 rooms), which on PostgreSQL held the pool so the hub's other work timed out.
   * Read again APPROVED_ROOMS_MS on (another hub of the group may have approved one meanwhile).
   */
  private approvedRooms: { ids: Promise<Set<string>>; at: number } | null = null;

  constructor(private readonly deps: ConfigApprovalDeps) {}

  /** At start, before rooms are heard: readiness knows each room's drift as last heard. */
  async restore(): Promise<void> {
    for (const d of await this.deps.repo.deliveries()) {
      if (d.bootId) this.deliveredTo.set(d.roomId, d.bootId);
      this.deps.noteDrift(d.roomId, d.drifts);
    }
  }

  /** The room's values now, read by the room from its codec, approved as they are. */
  async approveCurrent(roomId: string, actor: string, keys?: string[]): Promise<Approval> {
    const read = await this.deps.commands.send(roomId, 'config.read', keys ? { keys } : {}, {
      timeoutMs: this.deps.timeoutMs,
      ttlMs: this.deps.timeoutMs,
    });
    if (!read.ok) {
      await this.deps.audit.record(actor, 'config.approve', {
        roomId,
        source: 'current',
        outcome: read.error?.code ?? 'failed',
      });
      return failure(read);
    }
    const raw = (read.result?.values ?? {}) as Record<string, unknown>;
    // A key the codec does not have cannot be approved: it is left out, and said.
    const values = Object.fromEntries(
      Object.entries(raw).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
    ) as Record<string, string>;
    const missing = Object.keys(raw).filter((k) => typeof raw[k] !== 'string');
    return this.approve(
      roomId,
      { kind: String(read.result?.kind ?? 'unknown'), values, source: 'current' },
      actor,
      missing.length > 0 ? { missingKeys: missing.join(', ').slice(0, 200) } : {},
    );
  }

  /** A template's values approved for each room (the rooms must speak the template's API). */
  async approveTemplate(
    template: ConfigTemplate,
    roomIds: readonly string[],
    actor: string,
  ): Promise<Record<string, Approval>> {
    const outcomes: Record<string, Approval> = {};
    for (const roomId of roomIds)
      outcomes[roomId] = await this.approve(
        roomId,
        { kind: template.kind, values: template.values, source: `template:${template.id}` },
        actor,
        { template: template.name },
      );
    return outcomes;
  }

  private async approve(
    roomId: string,
    config: Pick<ApprovedConfig, 'kind' | 'values' | 'source'>,
    actor: string,
    details: Record<string, unknown>,
  ): Promise<Approval> {
    const approved: ApprovedConfig = {
      roomId,
      ...config,
      hash: configHash(config.values),
      approvedAt: this.deps.clock.now().toISOString(),
      approvedBy: actor,
    };
    const before = await this.deps.repo.approved(roomId);
    await this.deps.repo.approve(approved);
    // Approved here: known at once, so the room's next news delivers it again, as it always did.
    // (A list that failed to read is read again at the next news: nothing to add to.)
    this.approvedRooms?.ids.then(
      (ids) => ids.add(roomId),
      () => undefined,
    );
    const delivered = await this.deliver(roomId, null);
    await this.deps.audit.record(actor, 'config.approve', {
      roomId,
      source: config.source,
      hash: approved.hash,
      keys: Object.keys(config.values).length,
      ...(before ? { replaces: before.hash } : {}),
      delivered: delivered.ok ? 'ok' : delivered.code,
      ...(delivered.ok ? { drifts: delivered.delivery.drifts.length } : {}),
      ...details,
    });
    return { ok: true, approved, delivered };
  }

  /** Sends the room its approved configuration; its answer is the drift it finds against it. */
  async deliver(roomId: string, bootId: string | null): Promise<Delivered> {
    const approved = await this.deps.repo.approved(roomId);
    if (!approved) return { ok: false, code: 'none', error: `no approved configuration for ${roomId}` };
    const sent = await this.deps.commands.send(
      roomId,
      'config.baseline',
      { values: approved.values, approvedAt: approved.approvedAt, hash: approved.hash },
      { timeoutMs: this.deps.timeoutMs, ttlMs: this.deps.timeoutMs },
    );
    if (!sent.ok) {
      this.deps.log.warn({ room: roomId, err: sent.error?.message }, 'approved configuration not delivered');
      return failure(sent);
    }
    const delivery: ConfigDelivery = {
      roomId,
      hash: approved.hash,
      bootId,
      deliveredAt: this.deps.clock.now().toISOString(),
      drifts: driftsOf(sent.result),
    };
    await this.deps.repo.delivered(delivery);
    if (bootId) this.deliveredTo.set(roomId, bootId);
    this.deps.noteDrift(roomId, delivery.drifts);
    return { ok: true, delivery };
  }

  /**
   * A room heard from: a new run of its agent gets the approved configuration again (a room with
   * none approved is looked up again at its next news: it may have one by then, approved on this hub
   * or, known within APPROVED_ROOMS_MS, on another of the group).
   */
  onRoom(roomId: string, online: boolean, bootId: string | null): void {
    if (!online || !bootId || this.deliveredTo.get(roomId) === bootId) return;
    // Taken at once, so the room's next news while this delivery is under way does not start another.
    this.deliveredTo.set(roomId, bootId);
    this.roomsApproved()
      .then(
        (ids) => (ids.has(roomId) ? this.deliver(roomId, bootId) : NONE_APPROVED),
        // Said once for every room waiting on that read (roomsApproved); asked again at the next news.
        () => LIST_NOT_READ,
      )
      .then(
        (d) => {
          if (!d.ok && this.deliveredTo.get(roomId) === bootId) this.deliveredTo.delete(roomId);
        },
        (err: Error) => {
          if (this.deliveredTo.get(roomId) === bootId) this.deliveredTo.delete(roomId);
          this.deps.log.error({ room: roomId, err: err.message }, 'approved configuration not delivered');
        },
      );
  }

  /** One read for every room heard from at once (a fleet reconnecting); again after a failure. */
  private roomsApproved(): Promise<Set<string>> {
    const now = this.deps.clock.now().getTime();
    if (!this.approvedRooms || now - this.approvedRooms.at >= APPROVED_ROOMS_MS) {
      const ids = this.deps.repo.approvedRoomIds().then((list) => new Set(list));
      this.approvedRooms = { ids, at: now };
      ids.catch((err: Error) => {
        if (this.approvedRooms?.ids === ids) this.approvedRooms = null;
        this.deps.log.error({ err: err.message }, 'rooms with an approved configuration not read');
      });
    }
    return this.approvedRooms.ids;
  }

  /**
   * A room's `config.drift` or `config.restored` event, stored: its drift is stored and shown, each
   * room's events one after another in the order heard.
   */
  onEvent(roomId: string, type: string, data: Record<string, unknown>): void {
    if (type !== 'config.drift' && type !== 'config.restored') return;
    const previous = this.drifting.get(roomId) ?? Promise.resolve();
    const next = previous
      .then(() => this.storeDrift(roomId, type, data))
      .catch((err: Error) =>
        this.deps.log.error({ room: roomId, type, err: err.message }, 'configuration drift not stored'),
      );
    this.drifting.set(roomId, next);
    void next.then(() => {
      if (this.drifting.get(roomId) === next) this.drifting.delete(roomId);
    });
  }

  /** Resolves once the drift events heard so far are stored. */
  async idle(): Promise<void> {
    while (this.drifting.size > 0) await Promise.all([...this.drifting.values()]);
  }

  private async storeDrift(roomId: string, type: string, data: Record<string, unknown>): Promise<void> {
    const approved = await this.deps.repo.approved(roomId);
    let drifts: ConfigDrift[] = [];
    if (type === 'config.drift') {
      const first = str(data.key);
      const keys = (str(data.keys) ?? '').split(', ').filter(Boolean);
      drifts = keys.map((key) =>
        key === first
          ? { key, approved: str(data.approved) ?? '', found: str(data.found) }
          : { key, approved: approved?.values[key] ?? '' },
      );
    }
    await this.deps.repo.setDrifts(roomId, drifts);
    this.deps.noteDrift(roomId, drifts);
  }
}
