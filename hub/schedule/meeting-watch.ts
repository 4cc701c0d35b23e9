/**
 * Keeps each coming meeting's go/no-go true from its first rehearsal to its end (art. 9.3, 11.1):
 * re-judged from live readiness whenever a room changes, a rehearsal reports, and every minute (a
 * UPS's runtime races the meeting's clock). A room that turns bad after a `go`, or whose battery
 * can no longer carry the meeting, raises an escalation naming who must act, and the verdict goes to
 * the live socket; the host room and the operator see it there. In a hub group every hub judges the
 * verdicts for its own live socket, and only the one doing the once-only work raises escalations, so
 * each is stored and sent once.
 */
import { type Clock, systemClock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { ResponsibleParty } from '../../shared/schemas.js';
import type { RouteModule } from '../api/http-api.js';
import type { RoomView } from '../fleet-state.js';
import type { Cause } from '../readiness.js';
import type { Meeting } from './meeting-rules.js';
import { goNoGo, type MeetingGoNoGo, type RoomGoNoGo } from './meeting-verdict.js';
import type { MeetingsRepo } from './meetings-repo.js';
import { powerPartnerId, type Recipient, responsibleFor } from './notify-list.js';
import { latestAttempts } from './rehearsal-report.js';
import type { Failure } from './rehearsal-verdict.js';
import type { Escalation, RehearsalsRepo } from './rehearsals-repo.js';

export type MeetingWatchMessage =
  | { type: 'meeting-verdict'; verdict: MeetingGoNoGo }
  | { type: 'escalation'; escalation: Escalation };

export interface MeetingWatchDeps {
  meetings: Pick<MeetingsRepo, 'list' | 'get'>;
  rehearsals: Pick<RehearsalsRepo, 'forMeeting' | 'attempts' | 'insertEscalation'>;
  rooms: () => RoomView[];
  broadcast: (message: MeetingWatchMessage) => void;
  /** Hours before the start of the earliest rehearsal (art. 9.3: 24). */
  firstRehearsalH: number;
  /** Whether this hub raises the escalations (the one doing the once-only work); always when absent. */
  escalates?: () => boolean;
  log: Logger;
  clock?: Clock;
}

/** How often the verdicts are judged again when nothing reports: a battery's minutes run meanwhile. */
const TICK_MS = 60_000;

function faultOf(cause: Cause): ResponsibleParty {
  if (cause.code === 'mains.lost' || cause.code.startsWith('ups.')) return 'mains';
  return cause.code.startsWith('link.') ? 'line' : 'equipment';
}

/** Who must act on a room that turned bad, from its readiness causes (an offline room: its technician). */
function responsibleForCauses(causes: readonly Cause[], roomId: string): Recipient[] {
  const kinds = new Set<ResponsibleParty>(causes.map(faultOf));
  if (kinds.size === 0) kinds.add('equipment');
  return [...kinds].map((k) => responsibleFor(k, roomId));
}

function sameVerdict(a: MeetingGoNoGo, b: MeetingGoNoGo): boolean {
  const key = (v: MeetingGoNoGo) =>
    JSON.stringify([
      v.verdict,
      v.rooms.map((r) => [r.roomId, r.verdict, r.reasons.map((x) => x.text)]),
      v.notRun,
    ]);
  return key(a) === key(b);
}

export class MeetingWatch {
  private readonly last = new Map<string, MeetingGoNoGo>();
  private readonly clock: Clock;
  private ticker: unknown = null;
  private queued: NodeJS.Immediate | null = null;
  /** The judgement under way: the next waits for it, so verdicts are compared and escalated in order. */
  private judging: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly deps: MeetingWatchDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  /** Starts the minute's judgements; resolves when the first is done. */
  start(): Promise<void> {
    this.stopped = false;
    this.ticker = this.clock.setInterval(() => void this.evaluate(), TICK_MS);
    return this.evaluate();
  }

  stop(): void {
    this.stopped = true;
    if (this.ticker) this.clock.clearInterval(this.ticker);
    this.ticker = null;
    if (this.queued) clearImmediate(this.queued);
    this.queued = null;
  }

  /** Judges again once this turn of the event loop is over (a burst of changes is one judgement). */
  changed(): void {
    this.queued ??= setImmediate(() => {
      this.queued = null;
      void this.evaluate();
    });
  }

  /** The meeting's verdict now; null before its first rehearsal ran (or for no such meeting). */
  async verdictOf(meetingId: string): Promise<MeetingGoNoGo | null> {
    const m = await this.deps.meetings.get(meetingId);
    return m?.status === 'scheduled' ? this.judge(m) : null;
  }

  /**
   * Judges every meeting between its first rehearsal and its end, says what changed, escalates what
   * worsened. One judgement at a time, each on the rows as they are when it starts; a failed one is
   * logged and the next tries again.
   */
  evaluate(): Promise<void> {
    this.judging = this.judging
      .then(() => this.judgeAll())
      .catch((err: Error) => this.deps.log.error({ err: err.message }, 'meeting verdicts not judged'));
    return this.judging;
  }

  private async judgeAll(): Promise<void> {
    // A judgement queued before the hub stopped does not read a store that is closing.
    if (this.stopped) return;
    const now = this.clock.now();
    const firstMs = this.deps.firstRehearsalH * 3_600_000;
    const active = (await this.deps.meetings.list({ from: now.toISOString() })).filter(
      (m) => Date.parse(m.start) - firstMs <= now.getTime(),
    );
    const seen = new Set<string>();
    for (const m of active) {
      const verdict = await this.judge(m);
      if (!verdict) continue;
      seen.add(m.id);
      const previous = this.last.get(m.id);
      this.last.set(m.id, verdict);
      if (previous && sameVerdict(previous, verdict)) continue;
      this.deps.broadcast({ type: 'meeting-verdict', verdict });
      if (previous && (this.deps.escalates?.() ?? true)) await this.escalate(m, previous, verdict);
    }
    for (const id of this.last.keys()) if (!seen.has(id)) this.last.delete(id);
  }

  private async latestRehearsal(meetingId: string) {
    return (await this.deps.rehearsals.forMeeting(meetingId))
      .filter((r) => r.status === 'running' || r.status === 'done')
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
      .at(-1);
  }

  private async judge(m: Meeting): Promise<MeetingGoNoGo | null> {
    const rehearsal = await this.latestRehearsal(m.id);
    if (!rehearsal) return null;
    const attempts = latestAttempts(m.roomIds, await this.deps.rehearsals.attempts(rehearsal.id));
    const rooms = new Map(this.deps.rooms().map((v) => [v.id, v]));
    return goNoGo({ meeting: m, attempts, rooms, now: this.clock.now() });
  }

  /** A room that was `go` and is not any more, or whose battery cannot carry the meeting now. */
  private async escalate(m: Meeting, previous: MeetingGoNoGo, verdict: MeetingGoNoGo): Promise<void> {
    const rehearsal = await this.latestRehearsal(m.id);
    if (!rehearsal) return;
    const views = new Map(this.deps.rooms().map((v) => [v.id, v]));
    for (const room of verdict.rooms) {
      const before = previous.rooms.find((r) => r.roomId === room.roomId);
      const failures = this.newFailures(m, room, before, views.get(room.roomId));
      if (failures.length === 0) continue;
      const escalation = await this.deps.rehearsals.insertEscalation({
        rehearsalId: rehearsal.id,
        meetingId: m.id,
        roomId: room.roomId,
        at: verdict.at,
        verdict: room.verdict,
        failures,
      });
      this.deps.log.warn(
        { meeting: m.id, room: room.roomId, verdict: room.verdict, checks: failures.map((f) => f.check) },
        'meeting verdict worsened',
      );
      this.deps.broadcast({ type: 'escalation', escalation });
    }
  }

  private newFailures(
    m: Meeting,
    room: RoomGoNoGo,
    before: RoomGoNoGo | undefined,
    view: RoomView | undefined,
  ): Failure[] {
    const failures: Failure[] = [];
    const had = (code: string) => before?.reasons.some((r) => r.code === code) ?? false;
    const health = room.reasons.find((r) => r.code === 'health');
    if (health && before?.verdict === 'go') {
      failures.push({
        check: 'readiness',
        status: room.verdict === 'no-go' ? 'fail' : 'marginal',
        detail: health.text,
        responsible: responsibleForCauses(view?.readiness.causes ?? [], room.roomId),
      });
    }
    const runtime = room.reasons.find((r) => r.code === 'ups-runtime' || r.code === 'ups-runtime-unknown');
    if (runtime && !had(runtime.code)) {
      // Art. 10.1: the host room chairs the meeting and must know a room may drop out; the power
      // partner must restore the mains.
      failures.push({
        check: 'ups-runtime',
        status: 'marginal',
        detail: runtime.text,
        responsible: [
          { kind: 'room-technician', roomId: m.hostRoomId },
          { kind: 'operator' },
          { kind: 'partner', partnerId: powerPartnerId },
        ],
      });
    }
    return failures;
  }
}

/** The watch's routes: `GET /api/meetings/:id/verdict` (viewer), the verdict now or null before the first rehearsal. */
export function meetingVerdictRoutes(
  watch: Pick<MeetingWatch, 'verdictOf'>,
  meetings: Pick<MeetingsRepo, 'get'>,
): RouteModule {
  return (app) => {
    app.get<{ Params: { id: string } }>(
      '/api/meetings/:id/verdict',
      { config: { access: 'viewer' } },
      async (req, reply) => {
        if (!(await meetings.get(req.params.id)))
          return reply.code(404).send({ error: `no meeting "${req.params.id}"`, field: 'id' });
        return { verdict: await watch.verdictOf(req.params.id) };
      },
    );
  };
}
