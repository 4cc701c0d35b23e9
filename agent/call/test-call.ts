/**
 * Places a rehearsal's test call (art. 9.3: sound and picture, tested in a call as a meeting will
 * use them): dials the MCU's test conference, waits for the call to connect within the deadline,
 * reads the media statistics and the room's microphones and speaker every `sampleMs` for `measureMs`,
 * and always hangs up, whatever happened (a codec left dialling would hold the room). Every outcome
 * is data: connected with its figures, or the cause it did not (busy, rejected, timeout, codec error).
 */
import type { Clock } from '../../shared/clock.js';
import type { TestCallResult } from '../../shared/schemas.js';
import { summariseMedia } from './media-summary.js';
import type { ChannelSample, RoomAudio, TestCallCodec } from './test-call-codec.js';

export interface TestCallOptions {
  number: string;
  /** How long the call may take to connect. */
  connectTimeoutMs: number;
  /** How long the media statistics are read once connected. */
  measureMs: number;
  /** Between two readings of the media (and at most between two of the call's progress). */
  sampleMs: number;
}

const sec = (ms: number) => Math.round(ms / 100) / 10;

/**
 * Between two readings of the call's progress while it connects: the time to connect is reported to
 * the second, and one status read a second is nothing to a codec (Cisco `Status/Call`, Poly
 * `conferences`).
 */
const CONNECT_POLL_MS = 1000;

function result(
  options: TestCallOptions,
  fields: Partial<TestCallResult> & Pick<TestCallResult, 'outcome' | 'detail'>,
): TestCallResult {
  return {
    dialled: options.number,
    connectSec: null,
    measuredSec: 0,
    channels: [],
    microphones: [],
    speaker: null,
    ...fields,
    detail: fields.detail.slice(0, 300),
  };
}

export async function runTestCall(
  codec: TestCallCodec,
  options: TestCallOptions,
  clock: Clock,
): Promise<TestCallResult> {
  const start = clock.now().getTime();
  const elapsed = () => clock.now().getTime() - start;
  const dialled = await codec.dial(options.number);
  if (!dialled.ok) {
    const busy = /busy|max active calls|in a call/i.test(dialled.detail);
    return result(options, { outcome: busy ? 'busy' : 'codec-error', detail: dialled.detail });
  }
  const { callId } = dialled.value;
  try {
    // Until connected, ended, or past the deadline.
    let lastState = 'dialling';
    for (;;) {
      const p = await codec.progress(callId);
      if (!p.ok) return result(options, { outcome: 'codec-error', detail: p.detail });
      if (p.value.state === 'connected') break;
      if (p.value.state === 'ended') {
        const cause = p.value.cause === 'ended' ? 'rejected' : p.value.cause;
        return result(options, { outcome: cause, detail: p.value.detail });
      }
      lastState = p.value.detail;
      if (elapsed() >= options.connectTimeoutMs)
        return result(options, {
          outcome: 'timeout',
          detail: `not connected within ${sec(options.connectTimeoutMs)} s (still ${lastState})`,
        });
      await clock.sleep(Math.min(CONNECT_POLL_MS, options.sampleMs, options.connectTimeoutMs - elapsed()));
    }
    const connectSec = sec(elapsed());
    const connectedAt = clock.now().getTime();
    const readings: ChannelSample[][] = [];
    let audio: RoomAudio | null = null;
    let dropped: string | null = null;
    for (;;) {
      const [media, room] = await Promise.all([codec.media(callId), codec.audio()]);
      if (media.ok) readings.push(media.value);
      if (room.ok) audio = room.value;
      const measured = clock.now().getTime() - connectedAt;
      if (measured >= options.measureMs) break;
      await clock.sleep(Math.min(options.sampleMs, options.measureMs - measured));
      const p = await codec.progress(callId);
      if (p.ok && p.value.state === 'ended') {
        dropped = p.value.detail;
        break;
      }
    }
    const measuredSec = sec(clock.now().getTime() - connectedAt);
    const figures = {
      connectSec,
      measuredSec,
      channels: summariseMedia(readings),
      microphones: audio?.microphones ?? [],
      speaker: audio?.speaker ?? null,
    };
    if (dropped !== null)
      return result(options, {
        ...figures,
        outcome: 'dropped',
        detail: `the call ended after ${measuredSec} s of ${sec(options.measureMs)}: ${dropped}`,
      });
    return result(options, {
      ...figures,
      outcome: 'connected',
      detail: `connected in ${connectSec} s, measured ${measuredSec} s`,
    });
  } finally {
    await codec.hangUp(callId);
  }
}
