/**
 * Cisco RoomOS / CE codecs (Room Kit, Board, Desk, SX/MX) through the xAPI over HTTP(S): `GET
 * /getxml?location=/Status/...` and `POST /putxml` with an XML `<Command>` body, HTTP basic auth with
 * a local user of role Integrator or Admin. The device reports its health in five status subtrees:
 * `SystemUnit` (software version, uptime), `Call` (one element per call), `Peripherals
 * ConnectedDevice` (camera, touch panel, microphones: `Status` Connected or not), `Video Output
 * Connector` (`Connected` True/False) and `Standby State`. Codecs ship self-signed certificates.
 * A camera built into the codec (Room Kit, Room Kit Mini, Room 55, Desk, Board) is not a connected
 * device: it is listed only under `Cameras Camera [n]` (`Connected`, `Model`), so when no camera
 * is among the connected devices, the cameras there count as the room's cameras.
 *
 *   "probes": { "codec": { "kind": "xapi", "url": "https://10.10.1.20", "username": "hnth",
 *                          "password": "…", "insecureTls": true } }
 *
 * Reading: `up` when it answers and nothing is lost; `down` when it answers that a peripheral or the
 * display is lost; `unreachable` when it does not answer, refuses our credentials or answers what is
 * not xAPI XML (the detail says which).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { basicAuth, httpRequest } from '../../shared/probes/http-request.js';
import type { Readings } from '../../shared/schemas.js';
import type { CodecProbe } from '../adapters.js';
import type { ConfigSource, ConfigValues } from './config-drift.js';

export interface XapiOptions {
  /** `http://host[:port]` or `https://host[:port]` of the codec. */
  url: string;
  username: string;
  password: string;
  timeoutMs: number;
  insecureTls?: boolean;
  /** Peripheral types that must be present and connected (`Camera`, `TouchPanel`). */
  expectPeripherals?: readonly string[];
}

export interface XapiPeripheral {
  name: string;
  type: string;
  connected: boolean;
}

export interface XapiStatus {
  softwareVersion: string | null;
  uptimeSec: number | null;
  inCall: boolean;
  peripherals: XapiPeripheral[];
  /** `Connected` of each video output connector, by its item number. */
  displays: { id: string; connected: boolean }[];
  /** `Off`, `Standby`, `Halfwake`, `EnteringStandby`; null when not reported. */
  standby: string | null;
  /**
   * Registered to the SIP registrar (`SIP Registration [1] Status` Registered), not (`Failed`), or
   * null when the codec does not register (`Inactive`: it dials the MCU by address, or uses Webex).
   */
  registered: boolean | null;
}

export type XapiFailure = {
  ok: false;
  reason: 'unreachable' | 'auth' | 'malformed' | 'refused';
  detail: string;
};
export type XapiOutcome<T> = { ok: true; value: T } | XapiFailure;

export type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) =>
    [
      'Call',
      'ConnectedDevice',
      'Connector',
      'Camera',
      'Channel',
      'Microphone',
      'Entry',
      'Registration',
    ].includes(name),
});

export function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && '#text' in v) return text((v as Node)['#text']);
  return null;
}

export function child(node: unknown, key: string): unknown {
  return node && typeof node === 'object' ? (node as Node)[key] : undefined;
}

export function list(v: unknown): Node[] {
  return Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Node[]) : [];
}

/** Picks the status subtrees out of parsed `/getxml` documents; pure, tested with documented samples. */
export function readXapiStatus(docs: {
  systemUnit: Node;
  call: Node;
  peripherals: Node;
  video: Node;
  standby: Node;
  cameras: Node;
  sip: Node;
}): XapiStatus {
  const unit = child(child(docs.systemUnit, 'Status'), 'SystemUnit');
  const uptime = Number(text(child(unit, 'Uptime')));
  const calls = list(child(child(docs.call, 'Status'), 'Call'));
  const devices = list(child(child(child(docs.peripherals, 'Status'), 'Peripherals'), 'ConnectedDevice'));
  const connectors = list(child(child(child(child(docs.video, 'Status'), 'Video'), 'Output'), 'Connector'));
  const peripherals = devices.map((d) => ({
    name: text(d.Name) ?? text(d['@_item']) ?? '?',
    type: text(d.Type) ?? 'Unknown',
    connected: text(d.Status) === 'Connected',
  }));
  const cameras = list(child(child(child(docs.cameras, 'Status'), 'Cameras'), 'Camera')).map((c) => ({
    name: text(c.Model) || `camera ${text(c['@_item']) ?? '?'}`,
    type: 'Camera',
    connected: text(c.Connected) === 'True',
  }));
  const hasCamera = peripherals.some((p) => p.type === 'Camera');
  return {
    softwareVersion: text(child(child(unit, 'Software'), 'Version')),
    uptimeSec: Number.isFinite(uptime) ? uptime : null,
    // A call being set up or torn down still holds the codec: any call element counts.
    inCall: calls.length > 0,
    // Only connected cameras: a codec lists empty camera slots (Connected False) it may never use.
    peripherals: hasCamera ? peripherals : [...peripherals, ...cameras.filter((c) => c.connected)],
    displays: connectors.map((c) => ({
      id: text(c['@_item']) ?? '?',
      connected: text(c.Connected) === 'True',
    })),
    standby: text(child(child(child(docs.standby, 'Status'), 'Standby'), 'State')),
    registered: registrationOf(docs.sip),
  };
}

function registrationOf(sip: Node): boolean | null {
  const registrations = list(child(child(child(sip, 'Status'), 'SIP'), 'Registration'));
  const states = registrations.map((r) => text(r.Status));
  if (states.includes('Registered')) return true;
  if (states.some((s) => s === 'Failed' || s === 'Registering')) return false;
  return null;
}

/** What is wrong with the room's picture and sound, in words; empty when nothing is. */
export function xapiProblems(status: XapiStatus, expect: readonly string[] = []): string[] {
  const problems = status.peripherals.filter((p) => !p.connected).map((p) => `${p.type} ${p.name} lost`);
  for (const type of expect) {
    if (!status.peripherals.some((p) => p.type === type)) problems.push(`no ${type} connected`);
  }
  if (status.displays.length > 0 && !status.displays.some((d) => d.connected)) {
    problems.push('display disconnected');
  }
  return problems;
}

export class XapiCodec implements CodecProbe, ConfigSource {
  private readonly base: string;

  constructor(private readonly options: XapiOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  private async request(method: 'GET' | 'POST', path: string, body?: string): Promise<XapiOutcome<Node>> {
    const res = await httpRequest({
      url: `${this.base}${path}`,
      method,
      headers: {
        ...basicAuth(this.options.username, this.options.password),
        ...(body ? { 'content-type': 'text/xml' } : {}),
      },
      body,
      timeoutMs: this.options.timeoutMs,
      insecureTls: this.options.insecureTls,
    });
    if (!res.ok) return { ok: false, reason: 'unreachable', detail: res.error };
    if (res.status === 401 || res.status === 403) {
      return {
        ok: false,
        reason: 'auth',
        detail: `credentials refused (HTTP ${res.status}): check probes.codec.username and password`,
      };
    }
    if (res.status !== 200)
      return { ok: false, reason: 'unreachable', detail: `HTTP ${res.status} on ${path}` };
    const valid = XMLValidator.validate(res.body);
    if (valid !== true) {
      return { ok: false, reason: 'malformed', detail: `not xAPI XML on ${path}: ${valid.err.msg}` };
    }
    const doc = parser.parse(res.body) as Node;
    if (!('Status' in doc) && !('Command' in doc) && !('Configuration' in doc)) {
      return {
        ok: false,
        reason: 'malformed',
        detail: `not xAPI XML on ${path}: no Status, Command or Configuration`,
      };
    }
    return { ok: true, value: doc };
  }

  /** One status or configuration subtree (`/Status/Call`), parsed. */
  getxml(location: string): Promise<XapiOutcome<Node>> {
    return this.request('GET', `/getxml?location=${encodeURIComponent(location)}`);
  }

  async status(): Promise<XapiOutcome<XapiStatus>> {
    const [systemUnit, call, peripherals, video, standby, cameras, sip] = await Promise.all([
      this.getxml('/Status/SystemUnit'),
      this.getxml('/Status/Call'),
      this.getxml('/Status/Peripherals/ConnectedDevice'),
      this.getxml('/Status/Video/Output/Connector'),
      this.getxml('/Status/Standby'),
      this.getxml('/Status/Cameras'),
      this.getxml('/Status/SIP/Registration'),
    ]);
    for (const r of [systemUnit, call, peripherals, video, standby, cameras, sip]) if (!r.ok) return r;
    const value = (r: XapiOutcome<Node>) => (r.ok ? r.value : {});
    return {
      ok: true,
      value: readXapiStatus({
        systemUnit: value(systemUnit),
        call: value(call),
        peripherals: value(peripherals),
        video: value(video),
        standby: value(standby),
        cameras: value(cameras),
        sip: value(sip),
      }),
    };
  }

  async read(): Promise<Readings['codec']> {
    const s = await this.status();
    if (!s.ok) return { state: 'unreachable', inCall: false, detail: s.detail.slice(0, 200) };
    const problems = xapiProblems(s.value, this.options.expectPeripherals);
    if (problems.length > 0)
      return { state: 'down', inCall: s.value.inCall, detail: problems.join(', ').slice(0, 200) };
    const version = s.value.softwareVersion ?? 'unknown version';
    return {
      state: 'up',
      inCall: s.value.inCall,
      ...(s.value.registered === null ? {} : { registered: s.value.registered }),
      detail: `${version}, standby ${s.value.standby ?? 'unknown'}`,
    };
  }

  /** Runs an xCommand and reads its `…Result status="OK"|"Error"`; `command` is the inner XML. */
  async command(command: string): Promise<XapiOutcome<Node>> {
    const r = await this.request('POST', '/putxml', `<Command>${command}</Command>`);
    if (!r.ok) return r;
    const results = Object.entries((r.value.Command ?? {}) as Node).filter(([k]) => k.endsWith('Result'));
    const [, result] = results[0] ?? [];
    const status = text(child(result, '@_status'));
    if (status !== 'OK') {
      const reason =
        text(child(result, 'Reason')) ?? text(child(child(result, 'Error'), 'Reason')) ?? 'no reason given';
      return { ok: false, reason: 'refused', detail: `codec refused the command: ${reason}` };
    }
    return { ok: true, value: (result ?? {}) as Node };
  }

  /** `xCommand Standby Activate` (on = true) or `Deactivate`; for power control. */
  async standby(on: boolean): Promise<XapiOutcome<null>> {
    const r = await this.command(`<Standby><${on ? 'Activate' : 'Deactivate'}/></Standby>`);
    return r.ok ? { ok: true, value: null } : r;
  }

  /** `xCommand SystemUnit Boot Action: Restart`: the operator's remote restart. */
  async restart(): Promise<XapiOutcome<null>> {
    const r = await this.command('<SystemUnit><Boot><Action>Restart</Action></Boot></SystemUnit>');
    return r.ok ? { ok: true, value: null } : r;
  }

  /** `xCommand Dial Number: …` for rehearsals (art. 9.3); answers the new call's id. */
  async dial(number: string): Promise<XapiOutcome<{ callId: string | null }>> {
    if (!/^[A-Za-z0-9@.:+_*#-]{1,255}$/.test(number)) {
      return { ok: false, reason: 'refused', detail: `"${number}" is not a number or SIP URI to dial` };
    }
    const r = await this.command(`<Dial><Number>${number}</Number></Dial>`);
    return r.ok ? { ok: true, value: { callId: text(r.value.CallId) } } : r;
  }

  /**
   * Configuration values by path (`Audio/DefaultVolume`, `Video/Output/Connector[1]/Resolution`),
   * read from one `/getxml?location=/Configuration` document.
   */
  async readConfig(keys: readonly string[]): Promise<ConfigValues> {
    const r = await this.getxml('/Configuration');
    if (!r.ok) return { ok: false, detail: r.detail };
    const values: Record<string, string | null> = {};
    for (const key of keys) values[key] = configValue(r.value.Configuration, key);
    return { ok: true, values };
  }
}

/** Walks `A/B[2]/C` through a parsed `<Configuration>`; `[n]` picks the element with `item="n"`. */
export function configValue(root: unknown, key: string): string | null {
  let node: unknown = root;
  for (const part of key.split('/')) {
    const m = /^([A-Za-z0-9]+)(?:\[(\d+)\])?$/.exec(part);
    if (!m) return null;
    let next = child(node, m[1]!);
    if (Array.isArray(next) || m[2] !== undefined) {
      const items = Array.isArray(next) ? next : [next];
      next = m[2] === undefined ? items[0] : items.find((i) => text(child(i, '@_item')) === m[2]);
    }
    node = next;
    if (node === undefined) return null;
  }
  return text(node);
}
