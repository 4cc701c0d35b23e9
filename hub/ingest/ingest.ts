/**
 * Ingest: every message from the rooms is checked against the topic contract, the fleet and the
 * schemas before it touches the hub's state. A bad message is logged with its topic, counted by
 * reason, and dropped; nothing a room sends can throw out of here.
 */
import { systemClock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type {
  EventMessage,
  RejectCode,
  ReplyMessage,
  SpeakMessage,
  TelemetryMessage,
} from '../../shared/schemas.js';
import { parseTopic } from '../../shared/topics.js';
import type { FleetState } from '../fleet-state.js';
import { decodeCompiled } from './compiled-decode.js';

export type IngestRejectCode = RejectCode | 'topic' | 'unknown-room' | 'internal';

export interface IngestCounters {
  accepted: number;
  rejected: Record<IngestRejectCode, number>;
}

export interface IngestSinks {
  /** Called for every valid event; storing it (once, whatever the replays) and acknowledging it is the sink's. */
  event(roomId: string, event: EventMessage, receivedAt: Date): void;
  /** Called for every valid telemetry message, live or replayed, for the history. */
  telemetry(roomId: string, telemetry: TelemetryMessage, receivedAt: Date): void;
  /** Called for every valid reply to a command. */
  reply(roomId: string, reply: ReplyMessage): void;
  /** Called for every valid speak request or withdrawal (art. 10.1c). */
  speak?(roomId: string, message: SpeakMessage): void;
}

export class Ingest {
  readonly counters: IngestCounters = {
    accepted: 0,
    rejected: {
      topic: 0,
      'unknown-room': 0,
      oversize: 0,
      'too-deep': 0,
      'malformed-json': 0,
      schema: 0,
      internal: 0,
    },
  };

  constructor(
    private readonly fleet: FleetState,
    private readonly sinks: IngestSinks,
    private readonly log: Logger,
    private readonly clock: () => Date = systemClock.now,
  ) {}

  /** Handles one MQTT message; returns the reject code, or null when accepted. */
  handle(topic: string, payload: Buffer): IngestRejectCode | null {
    try {
      return this.dispatch(topic, payload);
    } catch (err) {
      // A bug of ours must not take the hub down with it: count it like a bad message.
      return this.reject('internal', topic, (err as Error).message);
    }
  }

  private dispatch(topic: string, payload: Buffer): IngestRejectCode | null {
    const parsed = parseTopic(topic);
    if (parsed.kind !== 'room') {
      return this.reject('topic', topic, parsed.kind === 'unknown' ? parsed.reason : 'not a room topic');
    }
    const { roomId, channel } = parsed;
    if (!this.fleet.has(roomId))
      return this.reject('unknown-room', topic, `room "${roomId}" is not in the fleet`);
    const at = this.clock();
    switch (channel) {
      case 'status': {
        const d = decodeCompiled('status', payload);
        if (!d.ok) return this.reject(d.code, topic, d.reason);
        this.fleet.applyStatus(roomId, d.message, at);
        break;
      }
      case 'telemetry': {
        const d = decodeCompiled('telemetry', payload);
        if (!d.ok) return this.reject(d.code, topic, d.reason);
        // Replayed telemetry is history from an outage, not the room's state now.
        if (!d.message.replayed) this.fleet.applyTelemetry(roomId, d.message, at);
        this.sinks.telemetry(roomId, d.message, at);
        break;
      }
      case 'events': {
        const d = decodeCompiled('events', payload);
        if (!d.ok) return this.reject(d.code, topic, d.reason);
        this.sinks.event(roomId, d.message, at);
        break;
      }
      case 'replies': {
        const d = decodeCompiled('replies', payload);
        if (!d.ok) return this.reject(d.code, topic, d.reason);
        this.sinks.reply(roomId, d.message);
        break;
      }
      case 'speak': {
        const d = decodeCompiled('speak', payload);
        if (!d.ok) return this.reject(d.code, topic, d.reason);
        this.sinks.speak?.(roomId, d.message);
        break;
      }
    }
    this.counters.accepted++;
    return null;
  }

  private reject(code: IngestRejectCode, topic: string, reason: string): IngestRejectCode {
    this.counters.rejected[code]++;
    this.log.warn({ topic, code, reason }, 'message rejected');
    return code;
  }
}
