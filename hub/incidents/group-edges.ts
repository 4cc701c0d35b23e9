/**
 * In a hub group, the edges a hub sees of a room itself (its flood raised or over, seen by the hub
 * whose broker the room floods), judged on every hub whichever way they came: seen here, told by
 * the live relay, or read back from the store. The relay alone is not enough: what it sends while a
 * hub's connection is down is lost there, and a flood's start or end with it. So each edge is
 * stored too (./room-edges-repo.ts), the room's latest per flag, and read back with the events
 * (`catchUp`). The row's version orders the edges of a room and flag across hubs: an edge is
 * applied here unless a later one of its room and flag already was.
 */
import type { Logger } from '../../shared/logger.js';
import { Turns } from '../turns.js';
import { edgeOfEvent } from './incident-rules.js';
import type { RoomEdgesRepo } from './room-edges-repo.js';

export interface GroupEdgesDeps {
  repo: Pick<RoomEdgesRepo, 'save' | 'list'>;
  /** Hands another hub's edge to the tracker. */
  apply(roomId: string, edge: string, data: Record<string, unknown>): void;
  log: Logger;
}

export class GroupEdges {
  /** Per room and flag, the latest version applied, seen or stored here. */
  private readonly known = new Map<string, number>();
  /** Saves and reads take turns: a read never finds this hub's own edge before it is known. */
  private readonly turns = new Turns();

  constructor(private readonly deps: GroupEdgesDeps) {}

  /**
   * From the edges stored now on: what older ones still hold, the tracker knows through the
   * incidents the store has open (a flood still on is seen again by the guard of the hub it floods).
   */
  async start(): Promise<void> {
    for (const e of await this.deps.repo.list()) this.see(e.roomId, e.flag, e.version);
  }

  /**
   * An edge this hub saw, applied here already: stored for the hubs whose relay loses the news.
   * Resolves with its version, for the relay, or null when it was not stored (logged; the relay
   * still tells the hubs listening).
   */
  told(roomId: string, edge: string, data: Record<string, unknown>): Promise<number | null> {
    const flag = edgeOfEvent(edge, data)?.flag;
    if (!flag) return Promise.resolve(null);
    const saved = this.turns.next(async () => {
      const version = await this.deps.repo.save({ roomId, flag, edge, data });
      this.see(roomId, flag, version);
      return version;
    });
    return saved.catch((err: Error) => {
      this.deps.log.warn({ room: roomId, edge, err: err.message }, 'a room’s edge not stored for the group');
      return null;
    });
  }

  /** Another hub's edge, told by the relay (with its version, when that hub stored it). */
  heard(roomId: string, edge: string, data: Record<string, unknown>, version: number | null): void {
    const flag = edgeOfEvent(edge, data)?.flag;
    if (flag && version !== null && !this.see(roomId, flag, version)) return;
    this.deps.apply(roomId, edge, data);
  }

  /**
   * Reads the rooms' latest edges and applies those later than what this hub knows. One read at a
   * time; asked again during one, another follows it. Never rejects: a store that does not answer
   * is logged, and the next read tries again.
   */
  catchUp(): Promise<void> {
    return this.turns.joined(() =>
      this.read().catch((err: Error) =>
        this.deps.log.warn({ err: err.message }, 'the rooms’ edges stored in the group not read; next time'),
      ),
    );
  }

  /** Resolves once the saves and reads asked for are done. */
  idle(): Promise<void> {
    return this.turns.idle();
  }

  private async read(): Promise<void> {
    for (const e of await this.deps.repo.list())
      if (this.see(e.roomId, e.flag, e.version)) this.deps.apply(e.roomId, e.edge, e.data);
  }

  /** Whether `version` is later than the room's flag's known one; it is known from now on. */
  private see(roomId: string, flag: string, version: number): boolean {
    const key = `${roomId}\u0000${flag}`;
    if (version <= (this.known.get(key) ?? 0)) return false;
    this.known.set(key, version);
    return true;
  }
}
