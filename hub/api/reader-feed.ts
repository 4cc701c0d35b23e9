/**
 * What one dashboard's `/ws` is sent, and when. Some messages are a room's state (its view, its speak
 * standing): the latest of a kind for a room replaces the previous one, so a reader that falls behind
 * is sent each room's latest of each kind once it catches up rather than every one in between (memory
 * bounded by the number of rooms, not by how long it lags). Every other message is news: each is
 * sent, in order, and a reader that lets news pile up past the hard limit is not reading at all.
 */

/** One reader's socket as the feed sees it. */
export interface ReaderSink {
  /** Bytes handed to the socket and not yet taken by the kernel. */
  readonly bufferedBytes: number;
  send(text: string): void;
}

/**
 * Above this many waiting bytes a reader is sent rooms' latest states only. Well above what a reader
 * keeping up ever has waiting (the kernel takes the hub's writes as they come), so a hiccup does not
 * thin its feed; small enough that what it is shown of a room is at most ~1 s old on a 2 Mbit/s
 * provincial link; and a sixteenth of the hard limit, leaving ~3.75 MB (thousands of events) for news
 * to wait before a reader is judged dead.
 */
export const LOW_WATER_BYTES = 256 * 1024;

/** More than this many bytes waiting for one reader when news comes means it is not reading. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Told when a reader falls behind and when it has caught up, for the operators (hub/api/reader-lag.ts):
 * once each way, never per message.
 */
export interface FeedWatch {
  /** The reader is held a state: it is behind, and was not until now. */
  fellBehind(): void;
  /** A state of `kind` held for the reader, not sent at once. */
  held(kind: string): void;
  /** The reader was sent every state held for it. */
  caughtUp(): void;
  /** The reader went while states were still held for it. */
  leftBehind(): void;
}

export interface FeedOptions {
  lowWaterBytes?: number;
  maxBufferedBytes?: number;
  watch?: FeedWatch;
}

const unwatched: FeedWatch = {
  fellBehind() {},
  held() {},
  caughtUp() {},
  leftBehind() {},
};

export class ReaderFeed {
  /**
   * The latest text (the broadcast's, shared by every reader) of each kind of state held for a room,
   * by kind and room, in the order they were first held: what has waited longest goes first.
   */
  private readonly held = new Map<string, string>();
  /** Whether states are held for the reader, as last told to the watch. */
  private behind = false;
  private readonly lowWaterBytes: number;
  private readonly maxBufferedBytes: number;
  private readonly watch: FeedWatch;

  constructor(
    private readonly sink: ReaderSink,
    options: FeedOptions = {},
  ) {
    this.lowWaterBytes = options.lowWaterBytes ?? LOW_WATER_BYTES;
    this.maxBufferedBytes = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
    this.watch = options.watch ?? unwatched;
  }

  /**
   * A room's new state of `kind` (`room`, `speak-state`): sent when the reader keeps up, else held in
   * place of the room's previous one of that kind; a room's other kinds are held apart from it.
   */
  state(kind: string, roomId: string, text: string): void {
    // Held first, so a state of this kind waiting for this room never goes after (and over) this newer one.
    const key = `${kind}:${roomId}`;
    this.held.set(key, text);
    this.flush();
    if (!this.held.has(key)) return;
    if (!this.behind) {
      this.behind = true;
      this.watch.fellBehind();
    }
    this.watch.held(kind);
  }

  /**
   * News, sent unless the reader has let more than the hard limit pile up: then it returns false and
   * the reader is to be cut off. States still held go first, as many as the low-water mark lets, so
   * that, where the reader allows, it sees the rooms' states in the order the hub had them before the
   * news (an event after the view that led to it). News never waits behind them: held states may
   * still follow an event (state catches up), but news held would have no bound.
   */
  news(text: string): boolean {
    if (this.sink.bufferedBytes > this.maxBufferedBytes) return false;
    this.flush();
    this.sink.send(text);
    return true;
  }

  /**
   * Sends held states while the reader is under the low-water mark, looking again after each: a
   * reader back from a long pause gets them a mark's worth at a time, never all at once (10,000
   * rooms' views are more than the hard limit).
   */
  flush(): void {
    for (const [key, text] of this.held) {
      if (this.sink.bufferedBytes > this.lowWaterBytes) return;
      this.held.delete(key);
      this.sink.send(text);
    }
    if (this.behind) {
      this.behind = false;
      this.watch.caughtUp();
    }
  }

  /** The reader went: what was held for it is dropped. */
  close(): void {
    this.held.clear();
    if (this.behind) {
      this.behind = false;
      this.watch.leftBehind();
    }
  }
}
