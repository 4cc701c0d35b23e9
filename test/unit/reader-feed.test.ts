/**
 * One dashboard's feed: rooms' states (views, speak standings) conflated while the reader lags past
 * the low-water mark (each room's latest of each kind, once, when it catches up), news always sent in
 * order, a reader cut off only when news piles up past the hard limit; its watch told once when the
 * reader falls behind and once when it has caught up.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { type FeedWatch, ReaderFeed, type ReaderSink } from '../../hub/api/reader-feed.js';

const LOW = 30;
const MAX = 100;

/** A socket whose reader takes only what the test lets it read. */
class PausedReader implements ReaderSink {
  readonly sent: string[] = [];
  /** Bytes waiting when each text was handed over. */
  readonly waitingAtSend: number[] = [];
  private waiting = 0;

  get bufferedBytes(): number {
    return this.waiting;
  }

  send(text: string): void {
    this.sent.push(text);
    this.waitingAtSend.push(this.waiting);
    this.waiting += text.length;
  }

  read(bytes = Number.POSITIVE_INFINITY): void {
    this.waiting = Math.max(0, this.waiting - bytes);
  }
}

/** A room's state, 10 bytes: `<tag>:<room>:<n>` padded, the tag `v` for its view, `s` its speak standing. */
const stateText = (tag: 'v' | 's', room: string, n: number) => `${tag}:${room}:${n}`.padEnd(10, '.');
const view = (room: string, n: number) => stateText('v', room, n);
const speak = (room: string, n: number) => stateText('s', room, n);

/** What a feed told its watch, in order. */
class RecordingWatch implements FeedWatch {
  readonly told: string[] = [];
  fellBehind() {
    this.told.push('fell behind');
  }
  held(kind: string) {
    this.told.push(`held ${kind}`);
  }
  caughtUp() {
    this.told.push('caught up');
  }
  leftBehind() {
    this.told.push('left behind');
  }
}

function feedOn(reader = new PausedReader()) {
  const watch = new RecordingWatch();
  return {
    reader,
    watch,
    feed: new ReaderFeed(reader, { lowWaterBytes: LOW, maxBufferedBytes: MAX, watch }),
  };
}

describe('a reader keeping up', () => {
  test('gets every view of every room, in order', () => {
    const { reader, feed } = feedOn();
    for (let n = 1; n <= 5; n++) {
      feed.state('room', 'a', view('a', n));
      feed.state('room', 'b', view('b', n));
      reader.read();
    }
    expect(reader.sent).toEqual([1, 2, 3, 4, 5].flatMap((n) => [view('a', n), view('b', n)]));
  });
});

describe('a reader past the low-water mark', () => {
  /** A reader with 40 bytes waiting (over the mark of 30). */
  function lagging() {
    const made = feedOn();
    made.feed.news('n'.repeat(40));
    made.reader.sent.length = 0;
    return made;
  }

  test('is sent nothing of a room until it catches up, then each room’s latest view once', () => {
    const { reader, feed } = lagging();
    for (let n = 1; n <= 50; n++) {
      feed.state('room', 'a', view('a', n));
      feed.state('room', 'b', view('b', n));
    }
    feed.state('room', 'c', view('c', 1));
    expect(reader.sent).toEqual([]);

    reader.read();
    feed.flush();
    expect(reader.sent).toEqual([view('a', 50), view('b', 50), view('c', 1)]);
    feed.flush();
    expect(reader.sent).toHaveLength(3);
  });

  test('is sent each room’s latest speak standing too, held apart from its latest view', () => {
    const { reader, feed } = lagging();
    for (let n = 1; n <= 20; n++) {
      feed.state('room', 'a', view('a', n));
      feed.state('speak-state', 'a', speak('a', n));
    }
    feed.state('speak-state', 'b', speak('b', 1));
    expect(reader.sent).toEqual([]);

    reader.read();
    feed.flush();
    expect(reader.sent).toEqual([view('a', 20), speak('a', 20), speak('b', 1)]);
  });

  test('a room’s view coming once it caught up goes after the views held before it', () => {
    const { reader, feed } = lagging();
    feed.state('room', 'a', view('a', 1));
    feed.state('room', 'b', view('b', 1));
    reader.read();
    feed.state('room', 'b', view('b', 2));
    expect(reader.sent).toEqual([view('a', 1), view('b', 2)]);
  });

  test('is sent held views a low-water mark’s worth at a time, never all at once', () => {
    const { reader, feed } = lagging();
    const rooms = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (const room of rooms) feed.state('room', room, view(room, 1));
    reader.read();
    feed.flush();
    // 0, 10, 20, 30 bytes waiting: the fourth is the last one sent under the mark.
    expect(reader.sent).toEqual(rooms.slice(0, 4).map((room) => view(room, 1)));
    reader.read();
    feed.flush();
    expect(reader.sent).toEqual(rooms.map((room) => view(room, 1)));
  });

  test('is still sent news, after what held views the mark lets go first', () => {
    const { reader, feed } = lagging();
    feed.state('room', 'a', view('a', 1));
    feed.state('room', 'b', view('b', 1));
    feed.news('event 1');
    expect(reader.sent).toEqual(['event 1']);
    reader.read();
    feed.news('event 2');
    expect(reader.sent).toEqual(['event 1', view('a', 1), view('b', 1), 'event 2']);
  });

  test('is not cut off by rooms’ views, however far behind it is: it gets the latest when it reads', () => {
    const { reader, feed } = lagging();
    reader.send('x'.repeat(MAX));
    for (let n = 1; n <= 1000; n++) feed.state('room', 'a', view('a', n));
    expect(reader.sent).toEqual(['x'.repeat(MAX)]);
    reader.read();
    feed.flush();
    expect(reader.sent).toEqual(['x'.repeat(MAX), view('a', 1000)]);
  });

  test('is cut off when news comes with more than the hard limit waiting, and sent nothing more', () => {
    const { reader, feed } = lagging();
    expect(feed.news('n'.repeat(MAX - 40))).toBe(true);
    expect(feed.news('event')).toBe(true); // exactly the limit waiting: still reading, just
    expect(feed.news('too late')).toBe(false);
    expect(reader.sent).toEqual(['n'.repeat(MAX - 40), 'event']);
  });
});

describe('what the operators are told of a reader', () => {
  test('keeping up: nothing', () => {
    const { reader, watch, feed } = feedOn();
    for (let n = 1; n <= 5; n++) {
      feed.state('room', 'a', view('a', n));
      feed.news(`event ${n}`);
      reader.read();
    }
    expect(watch.told).toEqual([]);
  });

  test('falling behind: once when a first state is held, each state held, once when it caught up', () => {
    const { reader, watch, feed } = feedOn();
    feed.news('n'.repeat(40));
    feed.news('event'); // news is never held
    feed.state('room', 'a', view('a', 1));
    feed.state('speak-state', 'a', speak('a', 1));
    feed.state('room', 'a', view('a', 2));
    expect(watch.told).toEqual(['fell behind', 'held room', 'held speak-state', 'held room']);

    reader.read();
    feed.flush();
    feed.flush();
    feed.state('room', 'a', view('a', 3));
    expect(watch.told.slice(4)).toEqual(['caught up']);
  });

  test('caught up only once every state held was sent, not when the first ones were', () => {
    const { reader, watch, feed } = feedOn();
    feed.news('n'.repeat(40));
    for (const room of ['a', 'b', 'c', 'd', 'e', 'f']) feed.state('room', room, view(room, 1));
    reader.read();
    feed.flush();
    expect(watch.told).not.toContain('caught up');
    reader.read();
    feed.flush();
    expect(watch.told.at(-1)).toBe('caught up');
  });

  test('going while behind: it left behind; going caught up: nothing more', () => {
    const behind = feedOn();
    behind.feed.news('n'.repeat(40));
    behind.feed.state('room', 'a', view('a', 1));
    behind.feed.close();
    expect(behind.watch.told).toEqual(['fell behind', 'held room', 'left behind']);

    const keeping = feedOn();
    keeping.feed.state('room', 'a', view('a', 1));
    keeping.feed.close();
    expect(keeping.watch.told).toEqual([]);
  });
});

type Step =
  | { kind: 'room' | 'speak-state'; room: string }
  | { kind: 'news' }
  | { kind: 'read'; bytes: number }
  | { kind: 'flush' };

/** Reads about as fast as views and news come, so the reader crosses the mark often both ways. */
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('room' as const, 'speak-state' as const),
      room: fc.constantFrom('a', 'b', 'c', 'd'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('news' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('read' as const), bytes: fc.integer({ min: 0, max: 70 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flush' as const) }) },
);

describe('over any sequence of views, news and reads', () => {
  test('news arrives whole and in order, rooms’ states never go back, and each ends on its latest', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const reader = new PausedReader();
        // A hard limit no sequence here reaches: this is about what a live reader sees.
        const watch = new RecordingWatch();
        const feed = new ReaderFeed(reader, { lowWaterBytes: LOW, maxBufferedBytes: Infinity, watch });
        /** The latest n of each room's view (`v:<room>`) and speak standing (`s:<room>`). */
        const latest = new Map<string, number>();
        let news = 0;
        for (const s of steps) {
          if (s.kind === 'room' || s.kind === 'speak-state') {
            const tag = s.kind === 'room' ? 'v' : 's';
            const n = (latest.get(`${tag}:${s.room}`) ?? 0) + 1;
            latest.set(`${tag}:${s.room}`, n);
            feed.state(s.kind, s.room, stateText(tag, s.room, n));
          } else if (s.kind === 'news') feed.news(`news ${++news}`);
          else if (s.kind === 'read') reader.read(s.bytes);
          else feed.flush();
        }
        // The reader reads on until nothing more comes: a flush hands over at most a mark's worth.
        for (let before = -1; reader.sent.length !== before; ) {
          before = reader.sent.length;
          reader.read();
          feed.flush();
        }

        expect(reader.sent.filter((t) => t.startsWith('news'))).toEqual(
          Array.from({ length: news }, (_, i) => `news ${i + 1}`),
        );
        for (const [prefix, n] of latest) {
          const seen = reader.sent
            .filter((t) => t.startsWith(`${prefix}:`))
            .map((t) => Number(t.slice(`${prefix}:`.length).replace(/\.+$/, '')));
          expect(seen).toEqual([...seen].sort((x, y) => x - y));
          expect(new Set(seen).size).toBe(seen.length);
          expect(seen.at(-1)).toBe(n);
        }
        // A state is handed over only under the mark: what rooms add to a lagging reader is bounded.
        reader.sent.forEach((text, i) => {
          if (!text.startsWith('news')) expect(reader.waitingAtSend[i]).toBeLessThanOrEqual(LOW);
        });
        // The watch is told each way in turn, of states held only while behind, and last that it
        // caught up.
        let behind = false;
        for (const told of watch.told) {
          expect(behind).toBe(told !== 'fell behind');
          if (told !== 'held room' && told !== 'held speak-state') behind = told === 'fell behind';
        }
        expect(behind).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
