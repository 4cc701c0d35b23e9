/**
 * What is connected to a Cisco RoomOS / CE codec (art. 5.1, 5.3: the room's cameras, microphones,
 * touch panel and displays), from its xAPI status (Cisco "RoomOS xAPI reference"): `Peripherals
 * ConnectedDevice [n]` (`Type` TouchPanel, Camera, AudioMicrophone; `Status` Connected or not),
 * `Cameras Camera [n]` (`Connected`, `Model`: a camera built into the codec or on its camera input
 * is listed only here, never as a connected device), `Audio Input Connectors Microphone [n]
 * ConnectionStatus` and `Video Output Connector [n] Connected` (with the display's name). Tested
 * against the real answers in test/fixtures/real/cisco.
 *
 *   "probes": { "codec": { "kind": "xapi", "url": "https://10.10.1.20", "username": "hnth", "password": "…" } }
 */
import type { Peripheral, PeripheralKind } from '../../shared/schemas.js';
import type { CallOutcome } from '../call/test-call-codec.js';
import { child, list, type Node, text, type XapiCodec } from './codec-xapi.js';
import type { PeripheralInventory, PeripheralSource } from './peripheral-source.js';

const status = (doc: Node, ...path: string[]) => path.reduce<unknown>((n, key) => child(n, key), doc);

const peripheralTypes: Record<string, Peripheral['kind']> = {
  TouchPanel: 'touch-panel',
  Camera: 'camera',
  AudioMicrophone: 'microphone',
};

/**
 * What is connected to the codec, from one full `/Status` document (or the subtrees of it): its
 * connected devices (touch panels, peripheral cameras and microphones), its cameras (a camera built
 * in or on the camera input is not a connected device: it is counted from `Cameras Camera [n]`),
 * its microphone inputs and its video outputs (displays).
 */
export function readXapiPeripherals(doc: Node): Peripheral[] {
  const devices = list(status(doc, 'Status', 'Peripherals', 'ConnectedDevice')).flatMap((d) => {
    const kind = peripheralTypes[text(d.Type) ?? ''];
    return kind ? [{ kind, name: text(d.Name) ?? kind, connected: text(d.Status) === 'Connected' }] : [];
  });
  const result: Peripheral[] = [...devices];
  if (!devices.some((d) => d.kind === 'camera')) {
    for (const c of list(status(doc, 'Status', 'Cameras', 'Camera'))) {
      // An empty camera slot (no model) is not a camera.
      if (text(c.Connected) !== 'True' && !text(c.Model)) continue;
      result.push({
        kind: 'camera',
        name: text(c.Model) || `Camera ${text(c['@_item']) ?? '?'}`,
        connected: text(c.Connected) === 'True',
        integrated: true,
      });
    }
  }
  for (const m of list(status(doc, 'Status', 'Audio', 'Input', 'Connectors', 'Microphone'))) {
    if (text(m.ConnectionStatus) !== 'Connected') continue;
    result.push({ kind: 'microphone', name: `Microphone ${text(m['@_item']) ?? '?'}`, connected: true });
  }
  for (const o of list(status(doc, 'Status', 'Video', 'Output', 'Connector'))) {
    // `ConnectedDevice` is a list where it means a peripheral; here it is the display on the output.
    const name = text(list(o.ConnectedDevice)[0]?.Name);
    result.push({
      kind: 'display',
      name: name || `Output ${text(o['@_item']) ?? '?'}`,
      connected: text(o.Connected) === 'True',
    });
  }
  return result;
}

/**
 * The kinds this codec's status can list: cameras, touch panels and displays always; microphones
 * only where it reports whether one is connected (an input's `ConnectionStatus`, or a microphone
 * among its connected devices). CE 8 lists its microphone inputs without a connection status (an
 * SX80 in a call, test/fixtures/real), so its microphones are "not reported", not "none connected".
 */
export function xapiReportedKinds(doc: Node): PeripheralKind[] {
  const inputs = list(status(doc, 'Status', 'Audio', 'Input', 'Connectors', 'Microphone'));
  const devices = list(status(doc, 'Status', 'Peripherals', 'ConnectedDevice'));
  const microphones =
    inputs.some((m) => text(m.ConnectionStatus) !== null) ||
    devices.some((d) => text(d.Type) === 'AudioMicrophone');
  return ['camera', ...(microphones ? (['microphone'] as const) : []), 'touch-panel', 'display'];
}

/** The inventory read from the four status subtrees that hold it. */
export class XapiPeripherals implements PeripheralSource {
  constructor(private readonly xapi: XapiCodec) {}

  async peripherals(): Promise<CallOutcome<PeripheralInventory>> {
    const parts = await Promise.all(
      ['/Status/Peripherals', '/Status/Cameras', '/Status/Audio/Input', '/Status/Video/Output'].map((l) =>
        this.xapi.getxml(l),
      ),
    );
    const merged: Node = { Status: {} };
    for (const part of parts) {
      if (!part.ok) return { ok: false, detail: part.detail };
      mergeInto(merged.Status as Node, (part.value.Status ?? {}) as Node);
    }
    return { ok: true, value: { reported: xapiReportedKinds(merged), devices: readXapiPeripherals(merged) } };
  }
}

/** Joins subtrees of one status document (`Audio/Input` and `Audio/…`) into one. */
function mergeInto(target: Node, source: Node): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (existing && typeof existing === 'object' && !Array.isArray(existing) && typeof value === 'object')
      mergeInto(existing as Node, value as Node);
    else target[key] = value;
  }
}
