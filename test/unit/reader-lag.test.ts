/**
 * Dashboards behind on `/ws`, for the operators: how many are behind now and how many rooms' states
 * were held for them, by kind, and one log line when each falls behind and when it caught up or went.
 */
import { expect, test } from '@jest/globals';
import { pino } from 'pino';
import { LOG_EVERY_MS, ReaderLag } from '../../hub/api/reader-lag.js';

function lagLogged() {
  const lines: Record<string, unknown>[] = [];
  const clock = { ms: 0 };
  const lag = new ReaderLag(
    pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }),
    () => clock.ms,
  );
  return { lag, lines, clock };
}

test('counts the readers behind now and the states held for them, by kind', () => {
  const { lag } = lagLogged();
  // Every kind has its count from the start, so /metrics has a series for each before any is held.
  expect(lag.counts()).toEqual({ behind: 0, held: { room: 0, 'speak-state': 0 } });
  const a = lag.watch({ remote: '10.0.0.1' });
  const b = lag.watch({ remote: '10.0.0.2' });
  a.fellBehind();
  a.held('room');
  a.held('room');
  b.fellBehind();
  b.held('speak-state');
  expect(lag.counts()).toEqual({ behind: 2, held: { room: 2, 'speak-state': 1 } });
  a.caughtUp();
  b.leftBehind();
  a.fellBehind();
  a.held('room');
  expect(lag.counts()).toEqual({ behind: 1, held: { room: 3, 'speak-state': 1 } });
});

test('logs when a reader falls behind and when it caught up or went, naming it, with what it was held', () => {
  const { lag, lines, clock } = lagLogged();
  const reader = { remote: '10.0.0.1', role: 'operator', roomId: null };
  const watch = lag.watch(reader);
  watch.fellBehind();
  for (let i = 0; i < 3; i++) watch.held('room');
  watch.caughtUp();
  clock.ms += LOG_EVERY_MS;
  watch.fellBehind();
  watch.held('speak-state');
  watch.leftBehind();
  expect(lines).toEqual([
    expect.objectContaining({
      msg: 'dashboard fell behind on /ws',
      part: 'live-readers',
      level: 30,
      ...reader,
    }),
    expect.objectContaining({ msg: 'dashboard caught up on /ws', statesHeld: 3, ...reader }),
    expect.objectContaining({ msg: 'dashboard fell behind on /ws', ...reader }),
    expect.objectContaining({ msg: 'dashboard left /ws while behind', statesHeld: 1, ...reader }),
  ]);
});

test('a reader hovering at the mark is logged once a minute, the next line counting the episodes between', () => {
  const { lag, lines, clock } = lagLogged();
  const reader = { remote: '10.0.0.1' };
  const watch = lag.watch(reader);
  const other = lag.watch({ remote: '10.0.0.2' });
  for (let i = 0; i < 30; i++, clock.ms += 1000) {
    watch.fellBehind();
    watch.held('room');
    watch.caughtUp();
  }
  other.fellBehind();
  watch.fellBehind();
  watch.leftBehind();
  clock.ms += LOG_EVERY_MS;
  watch.fellBehind();
  expect(lines.map((l) => [l.msg, l.remote, l.unloggedEpisodes, l.statesHeld])).toEqual([
    ['dashboard fell behind on /ws', '10.0.0.1', undefined, undefined],
    ['dashboard caught up on /ws', '10.0.0.1', undefined, 1],
    // Each reader is limited on its own.
    ['dashboard fell behind on /ws', '10.0.0.2', undefined, undefined],
    // Going is always told, whatever the limit.
    ['dashboard left /ws while behind', '10.0.0.1', undefined, 0],
    ['dashboard fell behind on /ws', '10.0.0.1', 30, undefined],
  ]);
  expect(lag.counts().behind).toBe(2);
});
