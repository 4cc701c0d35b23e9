/**
 * Many simulated rooms in one process, for load: each room has the agent's SimHardware (so the
 * readings drift as a real room's would), publishes a retained `online` status, telemetry every
 * interval (spread over the interval, not in one burst) and, at random, a fault: the hardware
 * changes and the matching event is published, as an agent does on an edge. Payloads are checked
 * once against the shared schemas, so the load is what the hub really receives.
 *
 * Limits: one MQTT connection per room by default; past a few thousand rooms the process's file
 * descriptors (`ulimit -n`), the broker's and the connection set-up time run out first, so group
 * rooms on fewer connections with `perConnection` (the broker's ACL must then allow it: anonymous
 * or a tool account, never the rooms' own credentials). One Node process publishes some tens of
 * thousands of messages a second.
 */
import { randomUUID } from 'node:crypto';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { SimHardware } from '../agent/sim/sim-hardware.js';
import {
  type EventMessage,
  eventMessage,
  type InjectMessage,
  isoNow,
  SCHEMA_VERSION,
  type StatusMessage,
  type TelemetryMessage,
  telemetryMessage,
} from '../shared/schemas.js';
import { roomTopic } from '../shared/topics.js';
import { loadRooms } from './load-rooms.js';

export interface LoadOptions {
  url: string;
  rooms: number;
  intervalSec: number;
  /** Rooms sharing one MQTT connection (1: one each, as real agents). */
  perConnection: number;
  /** Chance, at each telemetry tick of a room, that a fault starts or ends. */
  faultRate: number;
  /** MQTT protocol: 4 (3.1.1) or 5. */
  protocolVersion: 4 | 5;
  /** Login at the broker, for every connection. */
  login?: IClientOptions;
  /** Seed of the first room's hardware; room i gets seed + i. */
  seed?: number;
}

export interface LoadCounts {
  telemetry: number;
  events: number;
  failed: number;
}

/** Faults the load generator plays, each with the event an agent raises for it. */
const faults: { inject: InjectMessage; event: Pick<EventMessage, 'type' | 'severity' | 'data'> }[] = [
  { inject: { mains: false }, event: { type: 'mains.lost', severity: 'warning', data: {} } },
  { inject: { mains: true }, event: { type: 'mains.restored', severity: 'info', data: {} } },
  { inject: { codec: 'down' }, event: { type: 'codec.down', severity: 'critical', data: {} } },
  { inject: { codec: 'up' }, event: { type: 'codec.up', severity: 'info', data: {} } },
  {
    inject: { temperature: 33 },
    event: { type: 'threshold.raised', severity: 'warning', data: { metric: 'tempC', value: 33, limit: 32 } },
  },
  {
    inject: { loss: 6 },
    event: { type: 'threshold.raised', severity: 'warning', data: { metric: 'lossPct', value: 6, limit: 5 } },
  },
];

interface SimRoom {
  id: string;
  hardware: SimHardware;
  bootId: string;
  seq: number;
  client: MqttClient;
}

export class LoadGenerator {
  readonly counts: LoadCounts = { telemetry: 0, events: 0, failed: 0 };
  private readonly clients: MqttClient[] = [];
  private readonly simRooms: SimRoom[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private checked = false;

  constructor(
    private readonly o: LoadOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** Connects every room (statuses published); telemetry starts with `run()`. */
  async connect(onProgress?: (connected: number) => void): Promise<void> {
    const rooms = loadRooms(this.o.rooms);
    for (let first = 0; first < rooms.length; first += this.o.perConnection) {
      const group = rooms.slice(first, first + this.o.perConnection);
      const sims = group.map((room) => ({
        id: room.id,
        hardware: new SimHardware((this.o.seed ?? 1) + room.no),
        bootId: randomUUID(),
        seq: 0,
      }));
      const single = this.o.perConnection === 1 ? sims[0]! : null;
      const client = await connectAsync(this.o.url, {
        protocolVersion: this.o.protocolVersion,
        reconnectPeriod: 1000,
        // As an agent: its last will says offline. A shared connection has no single room to name.
        ...(single
          ? {
              clientId: single.id,
              will: {
                topic: roomTopic(single.id, 'status'),
                payload: Buffer.from(this.status('offline', single.bootId)),
                qos: 1 as const,
                retain: true,
              },
            }
          : {}),
        ...this.o.login,
      });
      this.clients.push(client);
      for (const sim of sims) {
        this.simRooms.push({ ...sim, client });
        await client.publishAsync(roomTopic(sim.id, 'status'), this.status('online', sim.bootId), {
          qos: 1,
          retain: true,
        });
      }
      onProgress?.(this.simRooms.length);
    }
  }

  /** Starts every room's telemetry, each at its own offset within the interval. */
  run(): void {
    const ms = this.o.intervalSec * 1000;
    for (const room of this.simRooms) {
      const start = setTimeout(() => {
        void this.tick(room);
        this.timers.push(setInterval(() => void this.tick(room), ms));
      }, this.random() * ms);
      this.timers.push(start);
    }
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await Promise.all(this.clients.map((c) => c.endAsync()));
  }

  private async tick(room: SimRoom): Promise<void> {
    room.hardware.advance(this.o.intervalSec);
    try {
      if (this.random() < this.o.faultRate) await this.fault(room);
      const readings = await room.hardware.read();
      const message: TelemetryMessage = { v: SCHEMA_VERSION, ts: isoNow(), ...readings };
      this.check(message);
      // Counted once handed to the socket: a tick that was reading when stop() ended the client
      // publishes into a closed connection, and counting it made the hubs look as if they lost it.
      room.client.publish(roomTopic(room.id, 'telemetry'), JSON.stringify(message), { qos: 0 }, (err) => {
        if (err) this.counts.failed++;
        else this.counts.telemetry++;
      });
    } catch {
      this.counts.failed++;
    }
  }

  private async fault(room: SimRoom): Promise<void> {
    const f = faults[Math.floor(this.random() * faults.length)]!;
    room.hardware.inject(f.inject);
    const event: EventMessage = {
      v: SCHEMA_VERSION,
      ...f.event,
      ts: isoNow(),
      bootId: room.bootId,
      seq: room.seq++,
    };
    eventMessage.parse(event);
    await room.client.publishAsync(roomTopic(room.id, 'events'), JSON.stringify(event), { qos: 1 });
    this.counts.events++;
  }

  /** The first telemetry is checked against the contract: a load of invalid messages measures nothing. */
  private check(message: TelemetryMessage): void {
    if (this.checked) return;
    telemetryMessage.parse(message);
    this.checked = true;
  }

  private status(state: StatusMessage['state'], bootId: string): string {
    const status: StatusMessage = { v: SCHEMA_VERSION, state, version: 'loadgen', bootId, ts: isoNow() };
    return JSON.stringify(status);
  }
}
