/**
 * The test call and the room's inventory on a Cisco RoomOS / CE codec through the xAPI (Cisco
 * "RoomOS xAPI reference"): `xCommand Dial Number:` answers the call's id; `Status Call [n] Status`
 * follows it (Dialling, Ringing, Connecting, EarlyMedia, Connected, Disconnecting); a call that
 * vanishes before connecting is explained by `xCommand CallHistory Get Limit: 1 DetailLevel: Full`
 * (`DisconnectCauseType` RemoteBusy, RemoteRejected, NetworkRejected, RemoteNoAnswer…, and the SIP
 * `DisconnectCauseCode`); `Status MediaChannels Call [n] Channel [m]` gives each channel's
 * `Netstat` (Jitter, LastIntervalLost, LastIntervalReceived, ChannelRate in bit/s) with its audio
 * `Protocol` or its video `Protocol`, `ResolutionX/Y` and `FrameRate`; `Status Audio` the microphone
 * inputs (`Input Connectors Microphone [n] ConnectionStatus`), their mute (`Microphones Mute`) and
 * the speaker (`Volume`, `VolumeMute`); `xCommand Call Disconnect CallId:` hangs up;
 * `xCommand SystemUnit Boot Action: Restart` restarts the codec. The real answers this is tested
 * against are in test/fixtures/real/cisco (an SX80 on CE 8.0.1 and an SX20 on CE 9.1.4, each in a
 * call, and a Room Bar on RoomOS 11.19).
 *
 *   "probes": { "codec": { "kind": "xapi", "url": "https://10.10.1.20", "username": "hnth", "password": "…" } }
 */
import type {
  CallOutcome,
  CallProgress,
  ChannelSample,
  EndCause,
  RoomAudio,
  TestCallCodec,
} from '../call/test-call-codec.js';
import { child, list, type Node, text, type XapiCodec, type XapiOutcome } from './codec-xapi.js';

const status = (doc: Node, ...path: string[]) => path.reduce<unknown>((n, key) => child(n, key), doc);
const num = (v: unknown): number | null => {
  const t = text(v);
  const n = t === null || t === '' ? Number.NaN : Number(t);
  return Number.isFinite(n) ? n : null;
};

/** A call's state from `/Status/Call`: null when the codec no longer lists it. */
export function readXapiCallState(doc: Node, callId: string): string | null {
  const call = list(status(doc, 'Status', 'Call')).find((c) => text(c['@_item']) === callId);
  return call ? (text(call.Status) ?? 'Unknown') : null;
}

/**
 * `CallHistory Get` `DisconnectCauseType` as a test call's failure: busy, rejected (by the far end,
 * the network or security), or no answer; anything else is the codec's own (OtherLocal…).
 */
const causeTypes: Record<string, EndCause> = {
  RemoteBusy: 'busy',
  LocalBusy: 'busy',
  RemoteRejected: 'rejected',
  NetworkRejected: 'rejected',
  UnknownRemoteSite: 'rejected',
  InsufficientSecurity: 'rejected',
  LocalReject: 'codec-error',
  RemoteNoAnswer: 'timeout',
  RemoteDisconnect: 'ended',
  LocalDisconnect: 'ended',
};

/** The last call's end from a `CallHistoryGetResult`, as a cause and its words. */
export function readXapiDisconnect(result: Node): { cause: EndCause; detail: string } {
  const entry = list(result.Entry)[0];
  if (!entry) return { cause: 'codec-error', detail: 'the call ended and the codec keeps no history of it' };
  const type = text(entry.DisconnectCauseType) ?? 'unknown';
  const words = [text(entry.DisconnectCause), text(entry.DisconnectCauseCode)].filter(Boolean).join(' ');
  return {
    cause: causeTypes[type] ?? 'codec-error',
    detail: `${type}${words ? ` (${words})` : ''}`,
  };
}

/** The audio and main video channels of one call in `/Status/MediaChannels`; presentation and data are left out. */
export function readXapiMedia(doc: Node, callId: string): ChannelSample[] {
  const call = list(status(doc, 'Status', 'MediaChannels', 'Call')).find((c) => text(c['@_item']) === callId);
  const samples: ChannelSample[] = [];
  for (const ch of list(call?.Channel)) {
    const type = text(ch.Type);
    const direction = text(ch.Direction) === 'Incoming' ? 'incoming' : 'outgoing';
    const net = (ch.Netstat ?? {}) as Node;
    const rate = num(net.ChannelRate);
    const base = {
      id: text(ch['@_item']) ?? `${samples.length}`,
      direction,
      jitterMs: num(net.Jitter),
      lost: num(net.LastIntervalLost) ?? undefined,
      received: num(net.LastIntervalReceived) ?? undefined,
      rateKbps: rate === null ? null : rate / 1000,
    } as const;
    if (type === 'Audio') {
      const protocol = text(child(ch.Audio, 'Protocol'));
      if (protocol === 'Off') continue;
      samples.push({ ...base, media: 'audio', codec: protocol });
    } else if (type === 'Video') {
      const video = (ch.Video ?? {}) as Node;
      if (text(video.ChannelRole) !== 'Main' || text(video.Protocol) === 'Off') continue;
      samples.push({
        ...base,
        media: 'video',
        codec: text(video.Protocol),
        widthPx: num(video.ResolutionX),
        heightPx: num(video.ResolutionY),
        frameRate: num(video.FrameRate),
      });
    }
  }
  return samples;
}

const onOff = (v: unknown): boolean | null => {
  const t = text(v);
  return t === 'On' ? true : t === 'Off' ? false : null;
};

/**
 * Microphone inputs, their mute and the speaker from `/Status/Audio`. An input's connection is
 * unknown (null) when the codec does not report it: CE 8 lists every microphone input with no
 * `ConnectionStatus` (an SX80 in a call, test/fixtures/real), which is not "nothing connected".
 */
export function readXapiAudio(doc: Node): RoomAudio {
  const audio = status(doc, 'Status', 'Audio') as Node | undefined;
  const muted = onOff(child(child(audio, 'Microphones'), 'Mute'));
  const inputs = list(child(child(child(audio, 'Input'), 'Connectors'), 'Microphone'));
  const volume = num(child(audio, 'Volume'));
  return {
    microphones: inputs.map((m) => {
      const connection = text(m.ConnectionStatus);
      return {
        name: `Microphone ${text(m['@_item']) ?? '?'}`,
        connected: connection === null ? null : connection === 'Connected',
        muted,
      };
    }),
    speaker: audio
      ? {
          muted: onOff(child(audio, 'VolumeMute')),
          volumePct: volume === null ? null : Math.min(100, volume),
        }
      : null,
  };
}

function failed<T>(r: XapiOutcome<unknown>): CallOutcome<T> {
  return { ok: false, detail: r.ok ? 'unexpected answer' : r.detail };
}

/** The test call on a Cisco codec, through its xAPI session (codec-xapi.ts). */
export class XapiCall implements TestCallCodec {
  constructor(private readonly xapi: XapiCodec) {}

  async dial(number: string): Promise<CallOutcome<{ callId: string }>> {
    const r = await this.xapi.dial(number);
    if (!r.ok) return failed(r);
    if (!r.value.callId) return { ok: false, detail: 'the codec dialled but answered no call id' };
    return { ok: true, value: { callId: r.value.callId } };
  }

  async progress(callId: string): Promise<CallOutcome<CallProgress>> {
    const r = await this.xapi.getxml('/Status/Call');
    if (!r.ok) return failed(r);
    const state = readXapiCallState(r.value, callId);
    if (state === 'Connected') return { ok: true, value: { state: 'connected' } };
    if (state !== null && state !== 'Idle')
      return { ok: true, value: { state: 'connecting', detail: state } };
    const history = await this.xapi.command(
      '<CallHistory><Get><Limit>1</Limit><DetailLevel>Full</DetailLevel></Get></CallHistory>',
    );
    const end = history.ok
      ? readXapiDisconnect(history.value)
      : { cause: 'codec-error' as const, detail: history.detail };
    return { ok: true, value: { state: 'ended', ...end } };
  }

  async media(callId: string): Promise<CallOutcome<ChannelSample[]>> {
    const r = await this.xapi.getxml('/Status/MediaChannels');
    return r.ok ? { ok: true, value: readXapiMedia(r.value, callId) } : failed(r);
  }

  async audio(): Promise<CallOutcome<RoomAudio>> {
    const r = await this.xapi.getxml('/Status/Audio');
    return r.ok ? { ok: true, value: readXapiAudio(r.value) } : failed(r);
  }

  async hangUp(callId: string): Promise<CallOutcome<null>> {
    if (!/^\d{1,9}$/.test(callId)) return { ok: false, detail: `"${callId}" is not a call id` };
    const r = await this.xapi.command(`<Call><Disconnect><CallId>${callId}</CallId></Disconnect></Call>`);
    return r.ok ? { ok: true, value: null } : failed(r);
  }
}
