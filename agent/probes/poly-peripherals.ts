/**
 * What is connected to a Poly codec (art. 5.1, 5.3), through its REST API (codec-poly.ts): the
 * near cameras (`GET /rest/cameras/near/all`, people sources with `connected`; `model` BUILT_IN for
 * a Studio X's own camera), on VideoOS the microphones (`GET /rest/audio/microphones`) and the touch
 * controllers (`POST /rest/current/devicemanagement/devices`, `deviceType` TOUCHCONTROL,
 * `deviceState` CONNECTED). The Group Series lists its cameras only (its microphones are one status,
 * read by the codec probe). Neither API reports the displays. Real answers: test/fixtures/real/poly.
 *
 *   "probes": { "codec": { "kind": "poly", "url": "https://10.10.1.21", "username": "admin", "password": "…" } }
 */
import type { Peripheral, PeripheralKind } from '../../shared/schemas.js';
import type { CallOutcome } from '../call/test-call-codec.js';
import type { PolyCodec } from './codec-poly.js';
import type { PeripheralInventory, PeripheralSource } from './peripheral-source.js';

type Json = Record<string, unknown>;
const arr = (v: unknown): Json[] =>
  Array.isArray(v) ? v.filter((x): x is Json => !!x && typeof x === 'object') : [];
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** People cameras from `cameras/near/all`; content sources (HDMI input, screen layers) are not cameras. */
export function readPolyCameras(near: unknown): Peripheral[] {
  return arr(near)
    .filter((c) => c.sourceType === 'SRC_PEOPLE' && (c.connected === true || str(c.model) !== null))
    .map((c) => ({
      kind: 'camera' as const,
      name: str(c.name) ?? `Camera ${String(c.cameraIndex ?? '?')}`,
      connected: c.connected === true,
      ...(str(c.model)?.startsWith('BUILT_IN') ? { integrated: true } : {}),
    }));
}

export function readPolyMicrophones(mics: unknown): Peripheral[] {
  return arr(mics).map((m) => ({
    kind: 'microphone' as const,
    name: str(m.typeInString) ?? `Microphone ${String(m.number ?? '?')}`,
    // Listed is present; a red state is a microphone that does not work.
    connected: !/RED|OFF|ERROR/i.test(String(m.state ?? '')),
  }));
}

export function readPolyTouchControls(devices: unknown): Peripheral[] {
  return arr(devices)
    .filter((d) => d.deviceType === 'TOUCHCONTROL')
    .map((d) => ({
      kind: 'touch-panel' as const,
      name: str(d.productName) ?? str(d.systemName) ?? 'touch control',
      connected: d.deviceState === 'CONNECTED',
    }));
}

export class PolyPeripherals implements PeripheralSource {
  constructor(private readonly poly: PolyCodec) {}

  async peripherals(): Promise<CallOutcome<PeripheralInventory>> {
    const cameras = await this.poly.json('GET', '/rest/cameras/near/all');
    if (!cameras.ok) return cameras;
    if (this.poly.apiDialect === 'groupseries')
      return { ok: true, value: { reported: ['camera'], devices: readPolyCameras(cameras.value) } };
    const [mics, devices] = await Promise.all([
      this.poly.json('GET', '/rest/audio/microphones'),
      this.poly.json('POST', '/rest/current/devicemanagement/devices'),
    ]);
    if (!mics.ok) return mics;
    if (!devices.ok) return devices;
    const reported: PeripheralKind[] = ['camera', 'microphone', 'touch-panel'];
    return {
      ok: true,
      value: {
        reported,
        devices: [
          ...readPolyCameras(cameras.value),
          ...readPolyMicrophones(mics.value),
          ...readPolyTouchControls(devices.value),
        ],
      },
    };
  }
}
