/**
 * The meeting calendar the department keeps (art. 11.5): books, changes and cancels meetings under
 * the regulation's rules, and on each change stores who must be notified and tells them, republishes the rooms'
 * schedules and replans the rehearsals. An emergency meeting (art. 8.2) powers its rooms on at once.
 */
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../shared/clock.js';
import type { Fleet } from '../../shared/fleet.js';
import type { Logger } from '../../shared/logger.js';
import type { MeetingRequest } from '../../shared/schemas.js';
import type { CommandClient } from '../commands/command-client.js';
import {
  checkMeeting,
  type Meeting,
  type MeetingDraft,
  type RuleConfig,
  type Violation,
} from './meeting-rules.js';
import type { MeetingsRepo, NotificationEvent } from './meetings-repo.js';
import { notifyList, type Recipient } from './notify-list.js';
import type { RehearsalRunner } from './rehearsal-runner.js';
import type { RehearsalPlanner } from './rehearsals.js';
import type { SchedulePublisher } from './schedule-publisher.js';

export type MeetingLiveMessage = {
  type: 'meeting';
  action: 'created' | 'updated' | 'cancelled' | 'powered-on';
  meeting: Meeting;
};

export type BookingResult = { ok: true; meeting: Meeting } | { ok: false; violation: Violation };

export interface CalendarDeps {
  meetings: MeetingsRepo;
  planner: Pick<RehearsalPlanner, 'plan' | 'cancel'>;
  runner: Pick<RehearsalRunner, 'stopForMeeting'>;
  publisher: Pick<SchedulePublisher, 'publishRooms'>;
  commands: Pick<CommandClient, 'send'>;
  broadcast: (message: MeetingLiveMessage) => void;
  /** Sends the notices of a booking, change or cancellation to the list stored with it (art. 8.1). */
  notify: (event: NotificationEvent, meeting: Meeting, recipients: readonly Recipient[]) => void;
  /** The rooms a meeting may name. */
  fleet: Fleet;
  rules: RuleConfig;
  /** How long a room has to answer the emergency power-on. */
  powerOnTimeoutMs: number;
  log: Logger;
  now?: () => Date;
}

function draftOf(req: MeetingRequest): MeetingDraft {
  return {
    title: req.title,
    kind: req.kind,
    hostRoomId: req.hostRoomId,
    // A room listed twice is one room.
    roomIds: [...new Set(req.roomIds)],
    start: new Date(req.start),
    end: new Date(req.end),
    emergency: req.emergency,
  };
}

/** What a checked draft sets on a meeting, whether booked or changed. */
function bookedFields(draft: MeetingDraft, fleet: Fleet) {
  return {
    title: draft.title,
    kind: draft.kind,
    hostUnit: fleet.find(draft.hostRoomId)!.name,
    hostRoomId: draft.hostRoomId,
    roomIds: draft.roomIds,
    start: draft.start.toISOString(),
    end: draft.end.toISOString(),
    emergency: draft.emergency,
  };
}

export class MeetingCalendar {
  private readonly now: () => Date;
  private stopped = false;

  constructor(private readonly deps: CalendarDeps) {
    this.now = deps.now ?? systemClock.now;
  }

  async create(req: MeetingRequest, registeredBy: string | null): Promise<BookingResult> {
    const draft = draftOf(req);
    const at = this.now().toISOString();
    const meeting: Meeting = {
      id: randomUUID(),
      ...bookedFields(draft, this.deps.fleet),
      registeredBy,
      registeredAt: at,
      updatedAt: at,
      status: 'scheduled',
    };
    const recipients = notifyList(meeting.roomIds);
    // The check and the booking it allows are one transaction: two hubs booking one room at once
    // cannot both pass the overlap rule.
    const violation = await this.deps.meetings.atomically(async (meetings) => {
      const found = await this.check(meetings, draft, undefined);
      if (!found) await meetings.insert(meeting, recipients);
      return found;
    });
    if (violation) return { ok: false, violation };
    this.deps.notify('registered', meeting, recipients);
    this.deps.log.info({ meeting: meeting.id, emergency: meeting.emergency }, 'meeting booked');
    await this.afterChange(meeting, meeting.roomIds, 'created');
    if (meeting.emergency) this.track(this.powerOn(meeting));
    return { ok: true, meeting };
  }

  /** Applies a partial change; undefined when there is no such scheduled meeting. */
  async update(id: string, patch: Partial<MeetingRequest>): Promise<BookingResult | undefined> {
    const outcome = await this.deps.meetings.atomically(async (meetings) => {
      const previous = await meetings.get(id);
      if (previous?.status !== 'scheduled') return undefined;
      const draft = draftOf({
        title: previous.title,
        kind: previous.kind,
        hostRoomId: previous.hostRoomId,
        roomIds: previous.roomIds,
        start: previous.start,
        end: previous.end,
        emergency: previous.emergency,
        ...patch,
      });
      const violation = await this.check(meetings, draft, previous);
      if (violation) return { previous, violation };
      const meeting: Meeting = {
        ...previous,
        ...bookedFields(draft, this.deps.fleet),
        updatedAt: this.now().toISOString(),
      };
      const affected = [...new Set([...previous.roomIds, ...meeting.roomIds])];
      const recipients = notifyList(affected);
      await meetings.update(meeting, recipients);
      return { previous, meeting, affected, recipients, violation: null };
    });
    if (!outcome) return undefined;
    if (outcome.violation) return { ok: false, violation: outcome.violation };
    const { previous, meeting, affected, recipients } = outcome;
    this.deps.notify('changed', meeting, recipients);
    const roomsChanged =
      meeting.roomIds.length !== previous.roomIds.length ||
      meeting.roomIds.some((r) => !previous.roomIds.includes(r));
    // A running rehearsal checked the old time or rooms; the replan below starts a fresh one if due.
    if (meeting.start !== previous.start || roomsChanged)
      await this.deps.runner.stopForMeeting(id, 'superseded');
    await this.afterChange(meeting, affected, 'updated');
    return { ok: true, meeting };
  }

  /** Cancels a scheduled meeting; undefined when there is none. */
  async cancel(id: string): Promise<Meeting | undefined> {
    const cancelled = await this.deps.meetings.atomically(async (meetings) => {
      const previous = await meetings.get(id);
      if (previous?.status !== 'scheduled') return undefined;
      const meeting: Meeting = { ...previous, status: 'cancelled', updatedAt: this.now().toISOString() };
      const recipients = notifyList(meeting.roomIds);
      await meetings.update(meeting, recipients);
      return { meeting, recipients };
    });
    if (!cancelled) return undefined;
    const { meeting, recipients } = cancelled;
    this.deps.notify('cancelled', meeting, recipients);
    await this.deps.runner.stopForMeeting(id, 'cancelled');
    await this.afterChange(meeting, meeting.roomIds, 'cancelled');
    return meeting;
  }

  /** The hub is stopping: outcomes still in flight are not stored (the store is closing). */
  stop(): void {
    this.stopped = true;
  }

  private async check(
    meetings: MeetingsRepo,
    draft: MeetingDraft,
    previous: Meeting | undefined,
  ): Promise<Violation | null> {
    const prepMs = this.deps.rules.prepMinutes * 60_000;
    const others = (
      await meetings.list({
        from: new Date(draft.start.getTime() - prepMs).toISOString(),
        to: new Date(draft.end.getTime() + prepMs).toISOString(),
      })
    ).filter((m) => m.id !== previous?.id);
    return checkMeeting(draft, {
      now: this.now(),
      others,
      previous,
      roomExists: (id) => this.deps.fleet.has(id),
      config: this.deps.rules,
    });
  }

  private async afterChange(
    meeting: Meeting,
    affectedRooms: string[],
    action: MeetingLiveMessage['action'],
  ): Promise<void> {
    await this.deps.planner.plan(meeting);
    this.track(this.deps.publisher.publishRooms(affectedRooms));
    this.deps.broadcast({ type: 'meeting', action, meeting });
  }

  /** Art. 8.2: the rooms of an emergency meeting are switched on at once; each outcome is stored. */
  private async powerOn(meeting: Meeting): Promise<void> {
    await Promise.all(
      meeting.roomIds.map(async (roomId) => {
        const o = await this.deps.commands.send(
          roomId,
          'power.on',
          { reason: `emergency meeting ${meeting.id}` },
          { timeoutMs: this.deps.powerOnTimeoutMs, ttlMs: this.deps.powerOnTimeoutMs },
        );
        if (this.stopped) return;
        await this.deps.meetings.recordPowerOn(meeting.id, {
          roomId,
          at: this.now().toISOString(),
          ok: o.ok,
          error: o.ok ? null : `${o.error?.code}: ${o.error?.message}`,
        });
      }),
    );
    if (!this.stopped) this.deps.broadcast({ type: 'meeting', action: 'powered-on', meeting });
  }

  private track(work: Promise<void>): void {
    work.catch((err: Error) => this.deps.log.error({ err: err.message }, 'meeting follow-up failed'));
  }
}
