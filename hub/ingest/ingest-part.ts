/**
 * The ingest part: what the rooms send, checked (./ingest.ts) and taken where it belongs. An event
 * is stored once (whatever the replays), shown, given to the parts it concerns and acknowledged to
 * its room once committed; telemetry goes to the history; replies to the command client; speak
 * requests to the speak queue. Every change of a room is shown live, on every hub of a group (its
 * transitions are stored apart: ./transition-log.ts), and the fleet's readiness judged again on a
 * timer (a silent room becomes offline without any message).
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { type EventAckMessage, isoNow, SCHEMA_VERSION } from '../../shared/schemas.js';
import { ackTopic } from '../../shared/topics.js';
import type { LiveBus } from '../api/live-bus.js';
import type { BrokerOut } from '../broker/broker-out.js';
import type { ConfigApproval } from '../codec-config/config-approval.js';
import type { CommandClient } from '../commands/command-client.js';
import type { FleetState } from '../fleet-state.js';
import type { IncidentsPart } from '../incidents/incidents-part.js';
import type { Part } from '../parts/part.js';
import type { SpeakService } from '../speak/speak-service.js';
import type { HubStore } from '../store/store.js';
import type { TelemetryHistory } from '../telemetry-history.js';
import { InOrderPerKey } from './in-order.js';
import { Ingest } from './ingest.js';

export interface IngestPart extends Part {
  ingest: Ingest;
}

export function ingestPart(deps: {
  fleet: FleetState;
  store: HubStore;
  history: TelemetryHistory;
  incidents: IncidentsPart;
  approval: Pick<ConfigApproval, 'onEvent'>;
  commands: Pick<CommandClient, 'onReply'>;
  speak: Pick<SpeakService, 'onMessage'>;
  live: LiveBus;
  broker: BrokerOut;
  /** Seconds between two judgements of every room's readiness. */
  recheckSec: number;
  log: Logger;
  clock: Clock;
}): IngestPart {
  const { fleet, store, incidents, live, broker, log, clock } = deps;
  const eventsInOrder = new InOrderPerKey();
  const ingest = new Ingest(
    fleet,
    {
      event(roomId, event, receivedAt) {
        eventsInOrder.follow(
          roomId,
          store.insertEvent(roomId, event, receivedAt),
          (stored) => {
            if (stored) {
              live.broadcast({ type: 'event', event: stored });
              incidents.heard(stored);
              if (stored.type === 'config.drift' || stored.type === 'config.restored')
                deps.approval.onEvent(roomId, stored.type, stored.data);
            }
            // Committed now or before (a replay): either way the room may forget it.
            const ack: EventAckMessage = {
              v: SCHEMA_VERSION,
              bootId: event.bootId,
              seqs: [event.seq],
              ts: isoNow(clock.now()),
            };
            broker.publishNow(ackTopic(roomId), JSON.stringify(ack), { qos: 0 });
          },
          (err: Error) =>
            // Not acknowledged: the room keeps it in its outbox and sends it again on reconnecting.
            log.error(
              { room: roomId, bootId: event.bootId, seq: event.seq, err: err.message },
              'event not stored',
            ),
        );
      },
      telemetry: (roomId, telemetry) => deps.history.offer(roomId, telemetry),
      reply: (roomId, reply) => deps.commands.onReply(roomId, reply),
      speak: (roomId, message) => deps.speak.onMessage(roomId, message),
    },
    log,
    clock.now,
  );
  fleet.listen({ change: (room) => live.broadcast({ type: 'room', room }) });
  let timer: unknown = null;
  return {
    name: 'ingest',
    ingest,
    async start() {
      // A room heard before the hub restarted is judged from when it was last heard, not from now.
      for (const { roomId, at } of await store.lastHeard()) fleet.restoreLastSeen(roomId, at, clock.now());
      timer = clock.setInterval(() => fleet.recheck(clock.now()), deps.recheckSec * 1000);
    },
    stop() {
      if (timer) clock.clearInterval(timer);
    },
  };
}
