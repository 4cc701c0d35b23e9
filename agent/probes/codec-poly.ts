/**
 * Poly G7500 and Studio X (X30, X50, X52, X70) through the Poly VideoOS REST API (reference guide
 * 3725-86572, software 3.x/4.x), and the RealPresence Group Series (300/310/500/700, software 6.x)
 * through its older dialect of the same API: `POST /rest/session` opens a session kept in a cookie;
 * `GET /rest/system` answers the model, software version and uptime; `GET /rest/system/status` a
 * list of statuses (camera, microphones, network, SIP server); `GET /rest/conferences` the
 * conferences; `POST /rest/config` with `{names: [...]}` configuration values as
 * `{vars: [{name, value}]}`.
 *
 * The dialects differ (real answers in test/fixtures/real/poly): Studio X logs in with
 * `{user, password}`, the Group Series with `{action: "Login", user, password}` (so a refused
 * first form is tried once in the other); Studio X lists each status as `{langtag, name, stateList}`,
 * the Group Series as `{languageTag, name, state}`; and the Group Series keeps a `PENDING`
 * conference with no connection in its list when idle (Studio X adds one beside a call), so a call
 * is a conference that is active or has a connection (one ringing in holds the codec too).
 *
 *   "probes": { "codec": { "kind": "poly", "url": "https://10.10.1.21", "username": "admin",
 *                          "password": "…", "insecureTls": true } }
 *
 * Reading: `up` when every status is good, `down` naming the statuses that are not, `unreachable`
 * when it does not answer, refuses our credentials or answers what is not the documented JSON.
 */

import { httpRequest } from '../../shared/probes/http-request.js';
import type { Readings } from '../../shared/schemas.js';
import type { CodecProbe } from '../adapters.js';
import type { ConfigSource, ConfigValues } from './config-drift.js';

export interface PolyOptions {
  url: string;
  username: string;
  password: string;
  timeoutMs: number;
  insecureTls?: boolean;
}

export interface PolyStatus {
  model: string | null;
  softwareVersion: string | null;
  uptimeSec: number | null;
  inCall: boolean;
  /** Each `system.status.*` entry that reports a fault, with its states. */
  faults: { name: string; states: string[] }[];
}

type Outcome<T> = { ok: true; value: T } | { ok: false; detail: string };

/** Studio X / G7500 (VideoOS 3.x/4.x) or RealPresence Group Series (6.x). */
export type PolyDialect = 'videoos' | 'groupseries';

/** States of `/rest/system/status` that mean a part is not working (`all_up`, `up`, `off` are fine). */
const FAULT = /down|fail|error|lost|disconnect|missing/i;

/**
 * Statuses of services a room's picture and sound do not depend on: both real codecs report
 * `system.status.provisioning` `down` when no provisioning server is configured.
 */
const NOT_HEALTH = new Set(
  ['provisioning', 'calendar', 'globaldirectory', 'logthreshold', 'rpms', 'meetingpassword'].map(
    (n) => `system.status.${n}`,
  ),
);

/** A conference that holds the codec: active, or with a connection (dialling, ringing, connected). */
function holdsCodec(conference: unknown): boolean {
  const c = (conference ?? {}) as { isActive?: unknown; connections?: unknown };
  return c.isActive === true || (Array.isArray(c.connections) && c.connections.length > 0);
}

/** Reads the documented JSON of the three status resources; pure, so tests feed it samples. */
export function readPolyStatus(
  system: unknown,
  statuses: unknown,
  conferences: unknown,
): Outcome<PolyStatus> {
  if (!system || typeof system !== 'object' || Array.isArray(system)) {
    return { ok: false, detail: '/rest/system did not answer a JSON object' };
  }
  if (!Array.isArray(statuses))
    return { ok: false, detail: '/rest/system/status did not answer a JSON list' };
  if (!Array.isArray(conferences))
    return { ok: false, detail: '/rest/conferences did not answer a JSON list' };
  const s = system as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const faults: PolyStatus['faults'] = [];
  for (const entry of statuses as unknown[]) {
    const e = (entry ?? {}) as { name?: unknown; stateList?: unknown; state?: unknown };
    // `stateList` on Studio X / G7500, `state` on the Group Series.
    const list = e.stateList ?? e.state;
    const states = Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
    if (typeof e.name === 'string' && !NOT_HEALTH.has(e.name) && states.some((st) => FAULT.test(st)))
      faults.push({ name: e.name, states });
  }
  return {
    ok: true,
    value: {
      model: str(s.model),
      softwareVersion: str(s.softwareVersion),
      uptimeSec: typeof s.uptime === 'number' ? Math.round(s.uptime) : null,
      inCall: conferences.some(holdsCodec),
      faults,
    },
  };
}

/**
 * Why a Poly room gets no codec standby output and refuses the operator's standby and wake (issue
 * 19, item 6). No sleep or wake resource of either REST dialect was found: the sources read were
 * the Poly VideoOS REST API reference guide as published (3725-86572, software 3.0 to 3.8,
 * https://dokumen.tips/documents/poly-videoos-rest-api-reference-guide.html), AVI-SPL's VideoOS
 * adapter's list of the resources it uses (https://github.com/AVISPL/dal-codecs-singlecodecs-polycom-videoos,
 * `ApiUri.java`: session, system, status, reboot, mode, audio, video, cameras, conferences, none for
 * sleep) and the captured answers in test/fixtures/real/poly, where sleep shows only as
 * `GET /rest/system` `state: "ASLEEP"`. The one documented sleep and wake is the Group Series'
 * command-line API (`sleep`, `wake` over telnet or SSH, Integrator Reference Guide 3725-63708,
 * https://www.easymanua.ls/polycom/realpresence-group-series/manual/65058?p=320), which this adapter
 * does not speak. A Poly codec sleeps on its own timer and wakes when used; the operator's words
 * say so (the dashboard reads this text's start, `no codec standby`, and the word Poly).
 */
export const POLY_NO_STANDBY =
  'this room’s Poly codec takes no standby or wake through its REST API (it sleeps on its own timer)';

export class PolyCodec implements CodecProbe, ConfigSource {
  private readonly base: string;
  private cookie: string | null = null;

  constructor(private readonly options: PolyOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  private send(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) {
    return httpRequest({
      url: `${this.base}${path}`,
      method,
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: this.options.timeoutMs,
      insecureTls: this.options.insecureTls,
    });
  }

  /** The login body that worked: Studio X / G7500 first, else the Group Series'. */
  private dialect: PolyDialect = 'videoos';

  /** The API dialect the codec spoke at the last login. */
  get apiDialect(): PolyDialect {
    return this.dialect;
  }

  private async login(): Promise<Outcome<null>> {
    const first = await this.loginAs(this.dialect);
    if (first.ok || first.unreachable) return first;
    const other = this.dialect === 'videoos' ? 'groupseries' : 'videoos';
    const second = await this.loginAs(other);
    if (second.ok) this.dialect = other;
    return second.ok || second.unreachable ? second : first;
  }

  private async loginAs(dialect: PolyDialect): Promise<Outcome<null> & { unreachable?: boolean }> {
    this.cookie = null;
    const credentials = { user: this.options.username, password: this.options.password };
    const res = await this.send(
      'POST',
      '/rest/session',
      dialect === 'videoos' ? credentials : { action: 'Login', ...credentials },
    );
    if (!res.ok) return { ok: false, detail: res.error, unreachable: true };
    if (res.status === 401 || res.status === 403) {
      return {
        ok: false,
        detail: `credentials refused (HTTP ${res.status}): check probes.codec.username and password`,
      };
    }
    if (res.status !== 200) return { ok: false, detail: `HTTP ${res.status} on /rest/session` };
    const setCookie = res.headers['set-cookie'] ?? [];
    this.cookie = setCookie.map((c) => c.split(';')[0]).join('; ') || null;
    return { ok: true, value: null };
  }

  /** A JSON resource, logging in first (and again once if the session expired). */
  async json(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<Outcome<unknown>> {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!this.cookie) {
        const login = await this.login();
        if (!login.ok) return login;
      }
      const res = await this.send(method, path, body);
      if (!res.ok) return { ok: false, detail: res.error };
      if (res.status === 401 && attempt === 0) {
        this.cookie = null;
        continue;
      }
      if (res.status < 200 || res.status > 204) return { ok: false, detail: `HTTP ${res.status} on ${path}` };
      // A hang-up or a command may answer with no body at all.
      if (res.body.trim() === '') return { ok: true, value: null };
      try {
        return { ok: true, value: JSON.parse(res.body) };
      } catch {
        return { ok: false, detail: `${path} answered what is not JSON` };
      }
    }
    return { ok: false, detail: `session refused on ${path}` };
  }

  async status(): Promise<Outcome<PolyStatus>> {
    const system = await this.json('GET', '/rest/system');
    if (!system.ok) return system;
    const [statuses, conferences] = await Promise.all([
      this.json('GET', '/rest/system/status'),
      this.json('GET', '/rest/conferences'),
    ]);
    if (!statuses.ok) return statuses;
    if (!conferences.ok) return conferences;
    return readPolyStatus(system.value, statuses.value, conferences.value);
  }

  async read(): Promise<Readings['codec']> {
    const s = await this.status();
    if (!s.ok) return { state: 'unreachable', inCall: false, detail: s.detail.slice(0, 200) };
    const { faults, inCall } = s.value;
    if (faults.length > 0) {
      const detail = faults.map((f) => `${f.name.replace(/^system\.status\./, '')} ${f.states.join('/')}`);
      return { state: 'down', inCall, detail: detail.join(', ').slice(0, 200) };
    }
    const what = [s.value.model, s.value.softwareVersion].filter(Boolean).join(' ');
    return { state: 'up', inCall, detail: what || 'Poly VideoOS' };
  }

  /** `POST /rest/system/reboot {action: "reboot"}`: the operator's remote restart. */
  async restart(): Promise<Outcome<null>> {
    const r = await this.json('POST', '/rest/system/reboot', { action: 'reboot' });
    return r.ok ? { ok: true, value: null } : r;
  }

  /** Configuration values by their Poly names (`comm.nics.sipnic.sipusername`). */
  async readConfig(keys: readonly string[]): Promise<ConfigValues> {
    const r = await this.json('POST', '/rest/config', { names: keys });
    if (!r.ok) return r;
    const vars = (r.value as { vars?: unknown }).vars;
    if (!Array.isArray(vars)) return { ok: false, detail: '/rest/config answered no vars list' };
    const values: Record<string, string | null> = Object.fromEntries(keys.map((k) => [k, null]));
    for (const v of vars as { name?: unknown; value?: unknown; result?: unknown }[]) {
      if (typeof v.name === 'string' && keys.includes(v.name) && v.result !== 'ERROR') {
        values[v.name] = v.value === undefined || v.value === null ? null : String(v.value);
      }
    }
    return { ok: true, values };
  }
}
