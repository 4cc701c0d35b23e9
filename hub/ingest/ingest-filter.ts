/**
 * What a hub subscribes to for the rooms' messages, alone or in a group (`mqtt.sharedGroup`).
 */
import { allRoomsFilter, type RoomChannel, sharedFilter } from '../../shared/topics.js';

/**
 * Events are shared among the hub instances of a group: each reaches one instance, which stores and
 * acknowledges it. Everything else reaches every instance. Telemetry, since each instance's room
 * state, readiness and incidents judge every room from its readings (shared, an instance saw only
 * some of a room's readings, or none of them with EMQX's hash_topic); the samples kept of it are
 * stored once per room and period all the same (../telemetry-history.ts). Statuses, with their retained
 * copies (which a broker does not send to shared subscriptions); replies, since only the instance
 * that sent a command awaits its reply; speak requests, since every instance tells its rooms where
 * they stand in the group's one queue (the first to store a request queues it).
 */
export function ingestFilter(channel: RoomChannel, sharedGroup: string): string {
  const filter = allRoomsFilter(channel);
  return sharedGroup && channel === 'events' ? sharedFilter(sharedGroup, filter) : filter;
}
