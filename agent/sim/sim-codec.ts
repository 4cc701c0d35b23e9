/**
 * The simulated room's codec as the rehearsal sees it: a test call to the MCU's test conference
 * (answered after 2 s, busy, rejected or never, as injected with `mcuAnswer`), whose media figures
 * follow the room's simulated line; its peripherals (a camera, two microphones, a touch panel, a
 * display; the camera can be unplugged with `camera: false`); its configuration (changed with
 * `codecConfig`); and its restart. Same interfaces as the real adapters.
 */
import type { Clock } from '../../shared/clock.js';
import type { LineTestResult } from '../../shared/schemas.js';
import type {
  CallOutcome,
  CallProgress,
  ChannelSample,
  RoomAudio,
  TestCallCodec,
} from '../call/test-call-codec.js';
import type { ConfigSource, ConfigValues } from '../probes/config-drift.js';
import type { PeripheralInventory, PeripheralSource } from '../probes/peripheral-source.js';
import type { SimHardware } from './sim-hardware.js';

const RING_MS = 2000;

export class SimCodec implements TestCallCodec, PeripheralSource, ConfigSource {
  private call: { id: string; dialledAt: number } | null = null;
  private nextId = 1;

  constructor(
    private readonly sim: SimHardware,
    private readonly clock: Clock,
  ) {}

  private up(): boolean {
    return this.sim.codecNow().state === 'up';
  }

  async dial(): Promise<CallOutcome<{ callId: string }>> {
    if (!this.up()) return { ok: false, detail: 'the codec does not answer' };
    if (this.call) return { ok: false, detail: 'Max active calls reached' };
    this.call = { id: String(this.nextId++), dialledAt: this.clock.now().getTime() };
    return { ok: true, value: { callId: this.call.id } };
  }

  async progress(callId: string): Promise<CallOutcome<CallProgress>> {
    if (!this.call || this.call.id !== callId)
      return { ok: true, value: { state: 'ended', cause: 'ended', detail: 'LocalDisconnect' } };
    const ringing = this.clock.now().getTime() - this.call.dialledAt < RING_MS;
    switch (this.sim.mcuAnswer) {
      case 'silent':
        return { ok: true, value: { state: 'connecting', detail: 'Connecting' } };
      case 'busy':
      case 'reject':
        if (ringing) return { ok: true, value: { state: 'connecting', detail: 'Ringing' } };
        this.call = null;
        return {
          ok: true,
          value:
            this.sim.mcuAnswer === 'busy'
              ? { state: 'ended', cause: 'busy', detail: 'RemoteBusy (Busy Here 486)' }
              : { state: 'ended', cause: 'rejected', detail: 'RemoteRejected (Decline 603)' },
        };
      default:
        if (ringing) return { ok: true, value: { state: 'connecting', detail: 'Ringing' } };
        this.sim.testCallActive = true;
        return { ok: true, value: { state: 'connected' } };
    }
  }

  async media(): Promise<CallOutcome<ChannelSample[]>> {
    const { lossPct, jitterMs } = this.sim.linkNow();
    const channel = (id: string, media: 'audio' | 'video', direction: 'incoming' | 'outgoing') => ({
      id,
      media,
      direction,
      jitterMs,
      lossPct,
      codec: media === 'audio' ? 'AACLD' : 'H264',
      rateKbps: media === 'audio' ? 64 : 1920,
      ...(media === 'video' ? { widthPx: 1920, heightPx: 1080, frameRate: 30 } : {}),
    });
    return {
      ok: true,
      value: [
        channel('1', 'audio', 'incoming'),
        channel('2', 'audio', 'outgoing'),
        channel('3', 'video', 'incoming'),
        channel('4', 'video', 'outgoing'),
      ],
    };
  }

  async audio(): Promise<CallOutcome<RoomAudio>> {
    return {
      ok: true,
      value: {
        microphones: [
          { name: 'Microphone 1', connected: true, muted: false },
          { name: 'Microphone 2', connected: true, muted: false },
        ],
        speaker: { muted: false, volumePct: 50 },
      },
    };
  }

  async hangUp(): Promise<CallOutcome<null>> {
    this.call = null;
    this.sim.testCallActive = false;
    return { ok: true, value: null };
  }

  async peripherals(): Promise<CallOutcome<PeripheralInventory>> {
    if (!this.up()) return { ok: false, detail: 'the codec does not answer' };
    return {
      ok: true,
      value: {
        reported: ['camera', 'microphone', 'touch-panel', 'display'],
        devices: [
          { kind: 'camera', name: 'Simulated PTZ camera', connected: this.sim.cameraConnected },
          { kind: 'microphone', name: 'Microphone 1', connected: true },
          { kind: 'microphone', name: 'Microphone 2', connected: true },
          { kind: 'touch-panel', name: 'Simulated touch panel', connected: true },
          { kind: 'display', name: 'Simulated display', connected: true },
        ],
      },
    };
  }

  async readConfig(keys: readonly string[]): Promise<ConfigValues> {
    if (!this.up()) return { ok: false, detail: 'the codec does not answer' };
    return {
      ok: true,
      values: Object.fromEntries(keys.map((k) => [k, this.sim.codecConfig.get(k) ?? null])),
    };
  }

  async restart(): Promise<CallOutcome<null>> {
    if (!this.up()) return { ok: false, detail: 'the codec does not answer' };
    this.call = null;
    this.sim.testCallActive = false;
    this.sim.restartCodec();
    return { ok: true, value: null };
  }
}

/** The controller's line test in simulation: the room's simulated line, measured over the duration. */
export async function simLineTest(
  sim: SimHardware,
  clock: Clock,
  target: string,
  durationMs: number,
): Promise<LineTestResult> {
  await clock.sleep(durationMs);
  const { lossPct, jitterMs, latencyMs } = sim.linkNow();
  const sent = Math.round(durationMs / 20);
  const received = Math.round(sent * (1 - (lossPct ?? 0) / 100));
  return {
    target,
    outcome: 'answered',
    detail: `answered 200 OK; ${received} of ${sent} packets echoed`,
    sent,
    received,
    lossPct,
    jitterMs,
    rttMs: latencyMs,
  };
}
