/**
 * The hub's live news, a port every part holds from the start. What a part broadcasts goes to this
 * hub's sockets, to the group's other hubs through the relay (when the API part has attached both),
 * and to the parts of this hub that react to it (a rehearsal's news changes its meeting's verdict,
 * an escalation is notified). Another hub's news is shown, and reacted to only by the parts that
 * keep their own view of what the group shares (`fromGroup`: the incidents a hub standing by judges,
 * the speak queue it reads again); its other reactions happened on the hub it happened on, and
 * reacting twice would notify twice.
 */
import { type LiveRelay, noRelay } from './live-relay.js';
import type { LiveMessage, LiveSocket } from './live-socket.js';

type Sockets = Pick<LiveSocket, 'broadcast' | 'clientCount'>;
type Reaction = (message: LiveMessage) => void;

export class LiveBus {
  private sockets: Sockets | null = null;
  private relay: LiveRelay = noRelay;
  private readonly reactions: Reaction[] = [];
  private readonly groupReactions: Reaction[] = [];
  private readonly resumedReactions: (() => void)[] = [];

  broadcast(message: LiveMessage): void {
    this.sockets?.broadcast(message);
    this.relay.publish(message);
    for (const react of this.reactions) react(message);
  }

  /**
   * Shows on this hub's sockets only what this hub found in the store that the group's other hubs
   * already have (read back after the relay lost the news of it).
   */
  show(message: LiveMessage): void {
    this.sockets?.broadcast(message);
  }

  /** Shows another hub's news on this hub's sockets. */
  deliver(message: LiveMessage): void {
    this.sockets?.broadcast(message);
    for (const react of this.groupReactions) react(message);
  }

  /** Calls `react` with this hub's news of `type`. */
  on<T extends LiveMessage['type']>(
    type: T,
    react: (message: Extract<LiveMessage, { type: T }>) => void,
  ): void {
    this.reactions.push(reaction(type, react));
  }

  /** Calls `react` with the news of `type` of the group's other hubs. */
  fromGroup<T extends LiveMessage['type']>(
    type: T,
    react: (message: Extract<LiveMessage, { type: T }>) => void,
  ): void {
    this.groupReactions.push(reaction(type, react));
  }

  /** The relay listens again after its connection dropped: the group's news sent meanwhile never came. */
  relayResumed(): void {
    for (const react of this.resumedReactions) react();
  }

  /** Calls `react` each time the relay listens again after missing the group's news. */
  onRelayResumed(react: () => void): void {
    this.resumedReactions.push(react);
  }

  /** From now on the news reaches `sockets` and, through `relay`, the group. */
  attach(sockets: Sockets, relay: LiveRelay): void {
    this.sockets = sockets;
    this.relay = relay;
  }

  get clientCount(): number {
    return this.sockets?.clientCount ?? 0;
  }
}

function reaction<T extends LiveMessage['type']>(
  type: T,
  react: (message: Extract<LiveMessage, { type: T }>) => void,
): Reaction {
  return (message) => {
    if (message.type === type) react(message as Extract<LiveMessage, { type: T }>);
  };
}
