/**
 * What a rehearsal's test call needs from a codec's API (art. 9.3: sound and picture tested in a real
 * call): dial, follow the call, read its media statistics and the room's microphones and speaker,
 * hang up. One implementation per API (Cisco xAPI, Poly REST in both dialects, the simulated codec);
 * each failure is data (`{ok: false, detail}`), never an exception.
 */

export type CallOutcome<T> = { ok: true; value: T } | { ok: false; detail: string };

/** Why a call ended without connecting, as the codec reports it. */
export type EndCause = 'busy' | 'rejected' | 'timeout' | 'codec-error' | 'ended';

export type CallProgress =
  | { state: 'connecting'; detail: string }
  | { state: 'connected' }
  | { state: 'ended'; cause: EndCause; detail: string };

/**
 * One reading of one media channel. Loss comes either as packet counts of the last interval the
 * codec measured (Cisco `Netstat LastIntervalLost/LastIntervalReceived`) or as a share the codec
 * computed (Poly `percentPacketLoss`).
 */
export interface ChannelSample {
  /** Stable within the call, so readings of the same channel are summed. */
  id: string;
  media: 'audio' | 'video';
  direction: 'incoming' | 'outgoing';
  codec: string | null;
  jitterMs: number | null;
  lost?: number;
  received?: number;
  lossPct?: number | null;
  widthPx?: number | null;
  heightPx?: number | null;
  frameRate?: number | null;
  rateKbps: number | null;
}

export interface RoomAudio {
  microphones: { name: string; connected: boolean | null; muted: boolean | null }[];
  speaker: { muted: boolean | null; volumePct: number | null } | null;
}

export interface TestCallCodec {
  /** Dials `number` (a SIP URI or number); answers the codec's id of the new call. */
  dial(number: string): Promise<CallOutcome<{ callId: string }>>;
  /** Where the call stands. */
  progress(callId: string): Promise<CallOutcome<CallProgress>>;
  /** The call's audio and main video channels now. */
  media(callId: string): Promise<CallOutcome<ChannelSample[]>>;
  /** The room's microphones and speaker now. */
  audio(): Promise<CallOutcome<RoomAudio>>;
  hangUp(callId: string): Promise<CallOutcome<null>>;
}
