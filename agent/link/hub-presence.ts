/**
 * Whether any hub listens, from the hubs' retained statuses: the agent sends its outbox only then.
 * Several hubs share the rooms' traffic (one shared subscription group), so one hub stopping must not
 * hold the rooms' events while another runs: each hub publishes its own status, and the group is
 * up while at least one of them says `online`.
 *
 * The earlier single status topic (`legacy`) decides only while no hub has published its own: then
 * the hub is of the earlier version, which keeps that topic with its last will. Hubs of this version
 * keep it `online` for earlier agents but cannot take it down when the last of them dies (one last
 * will per connection, spent on their own topic), so once per-hub statuses exist it says nothing.
 */

/** What the agent has seen on this broker connection. */
export interface HubStatuses {
  /** The earlier single topic: online, offline, or nothing seen (null). */
  legacy: boolean | null;
  /** Each hub's own status, by its id. */
  hubs: ReadonlyMap<string, boolean>;
}

/** May the agent send its outbox: is some hub of the group listening? */
export function anyHubOnline(seen: HubStatuses): boolean {
  if (seen.hubs.size > 0) return [...seen.hubs.values()].some(Boolean);
  return seen.legacy === true;
}

/** The statuses seen since the agent last (re)connected to the broker. */
export class HubPresence {
  private legacy: boolean | null = null;
  private readonly hubs = new Map<string, boolean>();

  /** A broker met again may be a new one (an embedded broker restarted with its hub): forget all. */
  reset(): void {
    this.legacy = null;
    this.hubs.clear();
  }

  /** A status seen: of the hub `hubId`, or on the earlier single topic when `hubId` is null. */
  seen(hubId: string | null, online: boolean): void {
    if (hubId === null) this.legacy = online;
    else this.hubs.set(hubId, online);
  }

  get online(): boolean {
    return anyHubOnline({ legacy: this.legacy, hubs: this.hubs });
  }
}
