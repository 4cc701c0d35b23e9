/**
 * Runs a rehearsal or an inspection: asks every room to `rehearse` (each holds itself on, boots,
 * checks afresh and goes back as it was found), stores each room's checks with their evidence and
 * verdict, re-checks the rooms that are not ready every interval until the deadline (art. 11.1:
 * checks complete at the latest 1 h before opening), escalates the rooms still failing at the
 * deadline, and goes on re-checking those until the meeting starts, so a room repaired late joins.
 * Every outcome, a silent room included, is data.
 */
import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { type RehearseResult, rehearseResult } from '../../shared/schemas.js';
import type { CommandClient, CommandOutcome } from '../commands/command-client.js';
import { Turns } from '../turns.js';
import { callChecks, defaultCallLimits } from './call-checks.js';
import type { CallPlan } from './call-plan.js';
import { latestAttempts } from './rehearsal-report.js';
import { failures, meetingVerdict, type RoomAnswer, roomVerdict, type Verdict } from './rehearsal-verdict.js';
import type {
  Attempt,
  CallFigures,
  Escalation,
  PowerOnResult,
  Rehearsal,
  RehearsalKind,
  RehearsalStatus,
  RehearsalsRepo,
} from './rehearsals-repo.js';

export type RehearsalLiveMessage =
  | { type: 'rehearsal'; rehearsal: Rehearsal }
  | { type: 'rehearsal-room'; rehearsalId: string; attempt: Attempt }
  | { type: 'escalation'; escalation: Escalation };

export interface RunnerConfig {
  /** Art. 11.1: how often a room that is not ready is checked again before the deadline. */
  recheckMs: number;
  /**
   * From the deadline to the meeting's start: the rooms escalated at the deadline are still checked
   * again until then, so a room repaired late can still join (and its meeting turn `go`).
   */
  afterDeadlineMs: number;
  /** How long a room has to answer `rehearse`, its power-on and boot included. */
  rehearseTimeoutMs: number;
}

export interface RunnerDeps {
  repo: RehearsalsRepo;
  commands: Pick<CommandClient, 'send'>;
  broadcast: (message: RehearsalLiveMessage) => void;
  config: RunnerConfig;
  /** The test calls, line tests and peripherals asked of rooms and how they are judged; none without. */
  calls?: CallPlan;
  /**
   * Whether this hub runs rehearsals from the start (alone, yes). A hub of a group that does not do
   * the once-only work only stores the runs asked of it; the one doing it adopts them (`adopt()`).
   */
  leading?: boolean;
  log: Logger;
  clock?: Clock;
}

/** A hub with no test call settings asks for none, and expects nothing of the peripherals. */
const noCalls: CallPlan = {
  ask: async () => ({
    args: {},
    notAsked: 'no test conference is set (testCall.dialString)',
    lineNotAsked: 'no line test number is set (testCall.lineTestUri)',
  }),
  limits: defaultCallLimits,
  expected: () => ({ cameras: 0, microphones: 0, touchPanels: 0, displays: 0 }),
};

export interface RehearsalSpec {
  kind: RehearsalKind;
  meetingId: string | null;
  slot: string;
  roomIds: string[];
  hostRoomId: string | null;
  deadline: Date | null;
}

/** The figures the room measured, kept with its attempt (art. 12.5: counted in the yearly report). */
function callFigures(result: RehearseResult): CallFigures {
  return {
    ...(result.testCall ? { testCall: result.testCall } : {}),
    ...(result.lineTest ? { lineTest: result.lineTest } : {}),
    ...(result.peripherals ? { peripherals: result.peripherals } : {}),
  };
}

function outcomeText(o: CommandOutcome): string {
  return o.ok ? JSON.stringify(o.result ?? {}) : `${o.error?.code}: ${o.error?.message}`;
}

export class RehearsalRunner {
  private readonly active = new Map<string, { timer: unknown }>();
  /** Runs being finished: not adopted again between their leaving `active` and their stored end. */
  private readonly finishing = new Set<string>();
  private leading: boolean;
  /** Counts the stops: a check started before the last stop stores nothing when it ends. */
  private epoch = 0;
  /** Starts and stops take turns: the next waits for the one under way. */
  private readonly turns = new Turns();
  private readonly clock: Clock;
  private readonly now: () => Date;

  constructor(private readonly deps: RunnerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.now = this.clock.now;
    this.leading = deps.leading ?? true;
  }

  /**
   * Starts a run and returns it once stored; its progress goes to the store and the live socket.
   * Starts and stops take turns, so a stop never reads the store between a start's superseding and
   * its insert (and misses the new run), nor a start begins checking a run a stop just ended.
   */
  start(spec: RehearsalSpec): Promise<Rehearsal> {
    return this.turns.next(() => this.startNow(spec));
  }

  private async startNow(spec: RehearsalSpec): Promise<Rehearsal> {
    if (spec.meetingId) await this.stopRuns(spec.meetingId, 'superseded');
    const rehearsal: Rehearsal = {
      id: randomUUID(),
      kind: spec.kind,
      meetingId: spec.meetingId,
      slot: spec.slot,
      roomIds: spec.roomIds,
      hostRoomId: spec.hostRoomId,
      startedAt: this.now().toISOString(),
      checkedAt: null,
      finishedAt: null,
      deadline: spec.deadline?.toISOString() ?? null,
      status: 'running',
      verdict: null,
    };
    await this.deps.repo.insert(rehearsal);
    this.deps.log.info(
      { rehearsal: rehearsal.id, slot: spec.slot, rooms: spec.roomIds.length, here: this.leading },
      this.leading ? 'rehearsal started' : 'rehearsal stored for the hub doing the once-only work',
    );
    this.deps.broadcast({ type: 'rehearsal', rehearsal });
    if (this.leading) {
      this.active.set(rehearsal.id, { timer: null });
      this.track(this.pass(rehearsal.id, spec.roomIds));
    }
    return rehearsal;
  }

  /** Stops the meeting's running rehearsals: it was moved, cancelled, or a later one starts. */
  stopForMeeting(meetingId: string, status: Exclude<RehearsalStatus, 'running' | 'done'>): Promise<void> {
    return this.turns.next(() => this.stopRuns(meetingId, status));
  }

  private async stopRuns(
    meetingId: string,
    status: Exclude<RehearsalStatus, 'running' | 'done'>,
  ): Promise<void> {
    for (const r of await this.deps.repo.forMeeting(meetingId)) {
      if (r.status === 'running') await this.finish(r.id, status);
    }
  }

  /** Takes the runs over: those this hub or another left running, and those asked for from now on. */
  resume(): Promise<void> {
    this.leading = true;
    return this.adopt();
  }

  /**
   * Picks up the runs left running that nobody here runs (a stopped hub's, or one a hub of the group
   * stored): re-checks before the deadline, escalates after it.
   */
  async adopt(): Promise<void> {
    const epoch = this.epoch;
    for (const r of await this.deps.repo.running()) {
      if (!this.leading || epoch !== this.epoch) return;
      if (this.active.has(r.id) || this.finishing.has(r.id)) continue;
      this.active.set(r.id, { timer: null });
      if (r.deadline !== null) {
        this.track(this.tick(r.id));
        continue;
      }
      // A single pass (inspection, rooms) cut short: check the rooms it had not reached.
      const checked = new Set((await this.deps.repo.attempts(r.id)).map((a) => a.roomId));
      const left = r.roomIds.filter((id) => !checked.has(id));
      if (left.length > 0) this.track(this.pass(r.id, left));
      else await this.finish(r.id, 'done');
    }
  }

  /**
   * Stops every timer. Checks still waiting for a room are dropped when they end: their runs stay
   * `running` in the store, and the next start resumes them.
   */
  stop(): void {
    this.leading = false;
    this.epoch += 1;
    for (const a of this.active.values()) if (a.timer) this.clock.clearTimeout(a.timer);
    this.active.clear();
  }

  private track(work: Promise<void>): void {
    work.catch((err: Error) => this.deps.log.error({ err: err.message }, 'rehearsal failed'));
  }

  /** Checks the given rooms once, in parallel, then decides what comes next. */
  private async pass(id: string, roomIds: readonly string[]): Promise<void> {
    const epoch = this.epoch;
    // Still this hub's to run: not finished, not stopped since (the hub lost the once-only work).
    const ours = () => this.active.has(id) && epoch === this.epoch;
    const before = await this.deps.repo.attempts(id);
    await Promise.all(
      roomIds.map(async (roomId) => {
        const attempt = before.filter((a) => a.roomId === roomId).length + 1;
        const result = await this.checkRoom(id, roomId, attempt);
        if (!ours()) return;
        await this.deps.repo.insertAttempt(id, result);
        this.deps.broadcast({ type: 'rehearsal-room', rehearsalId: id, attempt: result });
      }),
    );
    if (!ours()) return;
    const r = (await this.deps.repo.get(id))!;
    // Ended meanwhile by a hub of the group (its meeting moved or cancelled there).
    if (r.status !== 'running') {
      this.active.delete(id);
      return;
    }
    await this.deps.repo.patch(id, {
      checkedAt: r.checkedAt ?? this.now().toISOString(),
      verdict: await this.verdict(r),
    });
    if (!ours()) return;
    this.deps.broadcast({ type: 'rehearsal', rehearsal: (await this.deps.repo.get(id))! });
    await this.next(id);
  }

  /**
   * One room, one `rehearse`: the room holds itself on (from off if it idled off), waits for its
   * equipment to boot, judges a sample taken after power-on, places its test call and line test when
   * asked, lists its peripherals, and goes back to the state it was found in. The hub judges the
   * calls and peripherals against its settings. The reply says what happened to its power; a silent
   * room is a no-go like any failure.
   */
  private async checkRoom(id: string, roomId: string, attempt: number): Promise<Attempt> {
    const { config, commands } = this.deps;
    const calls = this.deps.calls ?? noCalls;
    const startedAt = this.now().toISOString();
    const r = await this.deps.repo.get(id);
    const ask = await calls.ask(roomId, r?.meetingId ?? null);
    const reply = await commands.send(
      roomId,
      'rehearse',
      { holdId: id, reason: `${r?.kind ?? 'rehearsal'} ${r?.slot ?? ''}`.trim(), ...ask.args },
      { timeoutMs: config.rehearseTimeoutMs, ttlMs: config.rehearseTimeoutMs },
    );
    const parsed = reply.ok ? rehearseResult.safeParse(reply.result) : null;
    const answer: RoomAnswer = parsed?.success
      ? {
          answered: true,
          checks: [
            ...parsed.data.checks,
            ...callChecks(parsed.data, calls.limits, calls.expected(roomId), ask.notAsked, ask.lineNotAsked),
          ],
        }
      : {
          answered: false,
          error: parsed
            ? `reply is not a rehearsal result: ${parsed.error.issues[0]?.message}`
            : `no rehearsal result: ${outcomeText(reply)}`,
        };
    const power = parsed?.success ? parsed.data.power : undefined;
    const powerOn: PowerOnResult = power
      ? { ok: power.on, detail: power.refused ?? JSON.stringify(power) }
      : { ok: answer.answered, detail: answer.answered ? 'no power control' : outcomeText(reply) };
    return {
      roomId,
      attempt,
      startedAt,
      finishedAt: this.now().toISOString(),
      answered: answer.answered,
      error: answer.answered ? null : answer.error,
      powerOn,
      checks: answer.answered ? answer.checks : [],
      verdict: roomVerdict(answer),
      failures: failures(roomId, answer),
      ...(parsed?.success ? { calls: callFigures(parsed.data) } : {}),
    };
  }

  private async latest(r: Rehearsal): Promise<Map<string, Attempt>> {
    return latestAttempts(r.roomIds, await this.deps.repo.attempts(r.id));
  }

  private async verdict(r: Rehearsal): Promise<Verdict> {
    const latest = await this.latest(r);
    return meetingVerdict(
      r.roomIds.map((roomId) => ({ roomId, verdict: latest.get(roomId)?.verdict ?? 'no-go' })),
      r.hostRoomId,
    );
  }

  /** Rooms not yet go (or not yet checked). */
  private async notReady(r: Rehearsal): Promise<string[]> {
    const latest = await this.latest(r);
    return r.roomIds.filter((id) => latest.get(id)?.verdict !== 'go');
  }

  /** The last moment a room of the run is checked again: the meeting's start. */
  private recheckUntil(r: Rehearsal): number | null {
    return r.deadline === null ? null : Date.parse(r.deadline) + this.deps.config.afterDeadlineMs;
  }

  private async next(id: string): Promise<void> {
    const r = await this.deps.repo.get(id);
    if (!r || !this.active.has(id)) return;
    if (r.status !== 'running') {
      this.active.delete(id);
      return;
    }
    const pending = await this.notReady(r);
    const until = this.recheckUntil(r);
    const now = this.now().getTime();
    if (pending.length === 0 || until === null || now >= until) {
      await this.finish(id, 'done');
      return;
    }
    // Looked up after the reads: the run may have been stopped meanwhile.
    const active = this.active.get(id);
    if (!active) return;
    // The deadline is a moment of its own: the escalation goes out at it, not at the next re-check.
    const deadline = Date.parse(r.deadline!);
    const nextStop = now < deadline ? deadline : until;
    active.timer = this.clock.setTimeout(
      () => this.track(this.tick(id)),
      Math.max(0, Math.min(this.deps.config.recheckMs, nextStop - now)),
    );
  }

  private async tick(id: string): Promise<void> {
    const r = await this.deps.repo.get(id);
    if (!r || !this.active.has(id)) return;
    if (r.status !== 'running') {
      this.active.delete(id);
      return;
    }
    const now = this.now().getTime();
    if (r.deadline !== null && now >= Date.parse(r.deadline) && !(await this.escalatedAtDeadline(r)))
      await this.escalate(r);
    const pending = await this.notReady(r);
    const until = this.recheckUntil(r);
    if (pending.length === 0 || (until !== null && now >= until)) {
      await this.finish(id, 'done');
      return;
    }
    await this.pass(id, pending);
  }

  /**
   * Whether the deadline's escalation was made (also by a hub before a restart). The meeting watch
   * files its own escalations under the run too, for a room that turned bad or a battery that falls
   * short; those name the `readiness` or `ups-runtime` check, never a rehearsal's.
   */
  private async escalatedAtDeadline(r: Rehearsal): Promise<boolean> {
    return (await this.deps.repo.escalations(r.id)).some((e) =>
      e.failures.every((f) => f.check !== 'readiness' && f.check !== 'ups-runtime'),
    );
  }

  /** Art. 11.1: at the deadline, every room still failing goes to the operator with who must act. */
  private async escalate(r: Rehearsal): Promise<void> {
    const latest = await this.latest(r);
    const at = this.now().toISOString();
    for (const roomId of r.roomIds) {
      const a = latest.get(roomId);
      if (a && a.verdict !== 'no-go') continue;
      const escalation = await this.deps.repo.insertEscalation({
        rehearsalId: r.id,
        meetingId: r.meetingId,
        roomId,
        at,
        verdict: 'no-go',
        failures: a?.failures ?? [
          {
            check: 'answer',
            status: 'fail',
            detail: 'not checked before the deadline (the hub was stopped)',
            responsible: [{ kind: 'room-technician', roomId }],
          },
        ],
      });
      this.deps.log.warn(
        { rehearsal: r.id, meeting: r.meetingId, room: roomId },
        'room still failing at the deadline',
      );
      this.deps.broadcast({ type: 'escalation', escalation });
    }
  }

  private async finish(id: string, status: Exclude<RehearsalStatus, 'running'>): Promise<void> {
    const active = this.active.get(id);
    if (active?.timer) this.clock.clearTimeout(active.timer);
    this.active.delete(id);
    this.finishing.add(id);
    try {
      const r = await this.deps.repo.get(id);
      if (!r) return;
      await this.deps.repo.patch(id, {
        status,
        finishedAt: this.now().toISOString(),
        verdict: await this.verdict(r),
      });
    } finally {
      this.finishing.delete(id);
    }
    this.deps.log.info({ rehearsal: id, status }, 'rehearsal finished');
    this.deps.broadcast({ type: 'rehearsal', rehearsal: (await this.deps.repo.get(id))! });
  }
}
