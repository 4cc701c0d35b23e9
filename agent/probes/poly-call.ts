/**
 * The test call on a Poly codec through its REST API, in both dialects (codec-poly.ts): Studio X /
 * G7500 (Poly VideoOS REST API reference guide 3725-86572) and the RealPresence Group Series 6.x.
 * `POST /rest/conferences {address, dialType: "SIP", rate}` dials; `GET /rest/conferences` lists the
 * conferences with their `connections` (`address`, `state`: RINGING, CONNECTING, CONNECTED…,
 * `incoming`); a connection gone before connecting is explained by the call log (`GET
 * /rest/calllog/entries?limit=1`: `causeCode`, a Q.850 cause, and `connected`); `GET
 * /rest/conferences/{id}/mediastats` gives each channel (`mediaDirection` RX/TX, `mediaType` AUDIO/
 * VIDEO, `mediaAlgorithm`, `mediaFormat`, `actualFrameRate`, `jitter`, `percentPacketLoss`,
 * `actualBitRate`); `GET /rest/audio` the mute and volume, `GET /rest/audio/microphones` (VideoOS)
 * each microphone, and on the Group Series the `system.status.microphones` status; `DELETE
 * /rest/conferences/{id}` hangs up; `POST /rest/system/reboot {action: "reboot"}` restarts it.
 * Real answers: test/fixtures/real/poly; the media statistics have no public capture and follow the
 * reference guide (see SOURCES.md).
 *
 *   "probes": { "codec": { "kind": "poly", "url": "https://10.10.1.21", "username": "admin", "password": "…" } }
 */
import type {
  CallOutcome,
  CallProgress,
  ChannelSample,
  EndCause,
  RoomAudio,
  TestCallCodec,
} from '../call/test-call-codec.js';
import type { PolyCodec } from './codec-poly.js';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The call the room placed to `address`: its conference and connection, or null when gone. */
export function findPolyCall(
  conferences: unknown,
  address: string,
): { conferenceId: string; state: string } | null {
  for (const c of arr(conferences)) {
    for (const conn of arr(c.connections)) {
      if (conn.incoming === true || str(conn.address) !== address) continue;
      const conferenceId = str(c.id) ?? str(conn.parentConfId);
      if (conferenceId) return { conferenceId, state: str(conn.state) ?? 'UNKNOWN' };
    }
  }
  return null;
}

/** Q.850 causes (the call log's `causeCode`) of a call that never connected. */
export function polyEndCause(entry: unknown): { cause: EndCause; detail: string } {
  const e = obj(entry);
  const code = num(e.causeCode);
  if (code === null)
    return { cause: 'codec-error', detail: 'the call ended and the call log says nothing of it' };
  const cause: EndCause =
    code === 17 ? 'busy' : code === 18 || code === 19 ? 'timeout' : code === 16 ? 'ended' : 'rejected';
  return { cause, detail: `Q.850 cause ${code}${str(e.address) ? ` calling ${str(e.address)}` : ''}` };
}

/** `1280x720`, `1920x1080p`, `720p`: the picture's size as far as the format tells. */
function sizeOf(format: string | null): { widthPx: number | null; heightPx: number | null } {
  const wh = format ? /(\d{3,4})\s*x\s*(\d{3,4})/i.exec(format) : null;
  if (wh) return { widthPx: Number(wh[1]), heightPx: Number(wh[2]) };
  const p = format ? /(\d{3,4})p/i.exec(format) : null;
  return { widthPx: null, heightPx: p ? Number(p[1]) : null };
}

/** A conference's `mediastats` as channel readings; content (a shared screen) is left out. */
export function readPolyMedia(stats: unknown): ChannelSample[] {
  return arr(stats).flatMap((s, i): ChannelSample[] => {
    const type = str(s.mediaType);
    if (type !== 'AUDIO' && type !== 'VIDEO') return [];
    const direction = str(s.mediaDirection) === 'RX' ? 'incoming' : 'outgoing';
    const base = {
      id: `${type}-${direction}-${str(s.id) ?? i}`,
      direction,
      codec: str(s.mediaAlgorithm),
      jitterMs: num(s.jitter),
      lossPct: num(s.percentPacketLoss),
      rateKbps: num(s.actualBitRate),
    } as const;
    if (type === 'AUDIO') return [{ ...base, media: 'audio' }];
    return [{ ...base, media: 'video', ...sizeOf(str(s.mediaFormat)), frameRate: num(s.actualFrameRate) }];
  });
}

/**
 * `GET /rest/audio` and the microphones: each microphone, the mute and the volume. The mute is the
 * room's (`muted`, a boolean): the real X30 answered `muted: true` with its microphone's own `mute: 0`,
 * a number whose meaning the guide does not give.
 */
export function readPolyAudio(audio: unknown, microphones: unknown): RoomAudio {
  const a = obj(audio);
  const muted = typeof a.muted === 'boolean' ? a.muted : null;
  return {
    microphones: arr(microphones).map((m) => ({
      name: str(m.typeInString) ?? `Microphone ${str(m.number) ?? '?'}`,
      connected: true,
      muted,
    })),
    speaker: audio === null ? null : { muted: null, volumePct: num(a.volume) },
  };
}

/** The Group Series' microphones as its status list reports them (`system.status.microphones` up). */
export function groupSeriesMicrophones(statuses: unknown, muted: boolean | null): RoomAudio['microphones'] {
  const entry = arr(statuses).find((s) => s.name === 'system.status.microphones');
  if (!entry) return [];
  const states = Array.isArray(entry.state) ? entry.state : [];
  return [{ name: 'microphones', connected: states.includes('up'), muted }];
}

export class PolyCall implements TestCallCodec {
  /** The conference of the call placed last, for its statistics and its hang-up. */
  private conferenceId: string | null = null;

  constructor(
    private readonly poly: PolyCodec,
    /** Call rate asked for, kbit/s (the reference guide's `rate`). */
    private readonly rateKbps = 1920,
  ) {}

  async dial(number: string): Promise<CallOutcome<{ callId: string }>> {
    if (!/^[A-Za-z0-9@.:+_*#-]{1,255}$/.test(number))
      return { ok: false, detail: `"${number}" is not a number or SIP URI to dial` };
    this.conferenceId = null;
    const r = await this.poly.json('POST', '/rest/conferences', {
      address: number,
      dialType: 'SIP',
      rate: this.rateKbps,
    });
    return r.ok ? { ok: true, value: { callId: number } } : r;
  }

  async progress(callId: string): Promise<CallOutcome<CallProgress>> {
    const r = await this.poly.json('GET', '/rest/conferences');
    if (!r.ok) return r;
    const call = findPolyCall(r.value, callId);
    if (call) {
      this.conferenceId = call.conferenceId;
      return {
        ok: true,
        value:
          call.state === 'CONNECTED' ? { state: 'connected' } : { state: 'connecting', detail: call.state },
      };
    }
    const log = await this.poly.json('GET', '/rest/calllog/entries?limit=1');
    const end = log.ok
      ? polyEndCause(arr(log.value)[0])
      : { cause: 'codec-error' as const, detail: log.detail };
    return { ok: true, value: { state: 'ended', ...end } };
  }

  async media(): Promise<CallOutcome<ChannelSample[]>> {
    if (this.conferenceId === null) return { ok: false, detail: 'no conference to read' };
    const r = await this.poly.json(
      'GET',
      `/rest/conferences/${encodeURIComponent(this.conferenceId)}/mediastats`,
    );
    return r.ok ? { ok: true, value: readPolyMedia(r.value) } : r;
  }

  async audio(): Promise<CallOutcome<RoomAudio>> {
    const audio = await this.poly.json('GET', '/rest/audio');
    if (!audio.ok) return audio;
    if (this.poly.apiDialect === 'groupseries') {
      const statuses = await this.poly.json('GET', '/rest/system/status');
      if (!statuses.ok) return statuses;
      const room = readPolyAudio(audio.value, []);
      const muted = typeof obj(audio.value).muted === 'boolean' ? (obj(audio.value).muted as boolean) : null;
      return { ok: true, value: { ...room, microphones: groupSeriesMicrophones(statuses.value, muted) } };
    }
    const mics = await this.poly.json('GET', '/rest/audio/microphones');
    if (!mics.ok) return mics;
    return { ok: true, value: readPolyAudio(audio.value, mics.value) };
  }

  async hangUp(callId: string): Promise<CallOutcome<null>> {
    // A call still dialling may not have been seen in a conference yet: look once more.
    if (this.conferenceId === null) {
      const list = await this.poly.json('GET', '/rest/conferences');
      this.conferenceId = list.ok ? (findPolyCall(list.value, callId)?.conferenceId ?? null) : null;
    }
    if (this.conferenceId === null) return { ok: true, value: null };
    const r = await this.poly.json('DELETE', `/rest/conferences/${encodeURIComponent(this.conferenceId)}`);
    return r.ok ? { ok: true, value: null } : r;
  }
}
