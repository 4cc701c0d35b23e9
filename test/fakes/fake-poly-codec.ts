/**
 * A fake Poly G7500 / Studio X speaking the Poly VideoOS REST API, built from Poly's "Poly VideoOS
 * REST API Reference Guide" (3725-86572, software 3.x): `POST /rest/session` with `{user, password}`
 * opening a session kept in the `session_id` cookie (401 on wrong credentials or without a session),
 * `GET /rest/system` (`model`, `softwareVersion`, `state`, `uptime`), `GET /rest/system/status` (a
 * list of `{langtag, name, stateList}` such as `system.status.mr.camera` `all_up`), `GET
 * /rest/conferences` (the active conferences, `[]` when idle) and `POST /rest/config` with `{names}`
 * answering `{vars: [{name, value, result}]}`. Tests change `state` to stage faults. It has no sleep
 * or wake resource, as no Poly reference found has one (agent/probes/codec-poly.ts, POLY_NO_STANDBY,
 * names the sources read): any other path answers 404, as the codec's web server does.
 *
 * For the test call it answers as real codecs did where a capture exists (test/fixtures/real/poly:
 * the conference list idle and in a call, the call log, the near cameras, the microphones, the
 * audio state and the touch controller), and from the reference guide where none does (the media
 * statistics, test/fixtures/codec/poly). `POST /rest/conferences` dials; the call connects, is
 * rejected (Q.850 cause 21), is busy (17) or never connects as `callScenario` says. A test dials
 * the address of the real in-call capture, `testcall@video.mividas.com`, so that capture is answered
 * as it was recorded.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { fixture } from './fake-xapi-codec.js';
import { requestBody } from './request-body.js';

/** The test conference of the real in-call capture (test/fixtures/real/poly/studio-x30-3.10.0). */
export const CAPTURED_TEST_CALL = 'testcall@video.mividas.com';

const real = (dir: string, file: string) => JSON.parse(fixture(`real/poly/${dir}/${file}`)) as unknown;

export interface FakePolyState {
  username: string;
  password: string;
  inCall: boolean;
  cameraState: 'all_up' | 'some_down' | 'all_down';
  delayMs: number;
  malformed: boolean;
  config: Record<string, string>;
  /** How many sessions were opened. */
  logins: number;
  /** `groupseries` takes only `{action: "Login", user, password}` and answers 400 otherwise. */
  dialect: 'videoos' | 'groupseries';
  /** How the far end answers a dialled call. */
  callScenario: 'connect' | 'reject' | 'busy' | 'never';
  /** The call placed with `POST /rest/conferences`, with how often the conferences were read. */
  call: { address: string; polls: number } | null;
  /** Requests received, as `METHOD path`. */
  requests: string[];
}

export interface FakePolyCodec {
  url: string;
  state: FakePolyState;
  /** Forgets every session, as a reboot does. */
  expireSessions(): void;
  close(): Promise<void>;
}

export async function startFakePolyCodec(): Promise<FakePolyCodec> {
  const state: FakePolyState = {
    username: 'admin',
    password: 'Polycom12#',
    inCall: false,
    cameraState: 'all_up',
    delayMs: 0,
    malformed: false,
    config: {
      'comm.nics.sipnic.sipusername': 'ubnd-yen-son@hnth.example',
      'video.monitor.resolution': 'auto',
    },
    logins: 0,
    dialect: 'videoos',
    callScenario: 'connect',
    call: null,
    requests: [],
  };
  /** The conference list: the call setting up, connected (the real capture), or the idle list. */
  const conferences = (): unknown => {
    const idle = real(
      state.dialect === 'groupseries' ? 'group-series-500-6.2.2.8' : 'studio-x30-3.10.0',
      'conferences-idle.json',
    );
    const call = state.call;
    if (!call) return idle;
    call.polls++;
    if (state.callScenario !== 'never' && call.polls > 1) {
      if (state.callScenario !== 'connect') {
        state.call = null;
        return idle;
      }
      if (call.address === CAPTURED_TEST_CALL) return real('studio-x30-3.10.0', 'conferences-in-call.json');
    }
    return [
      {
        id: '0',
        isActive: false,
        connections: [
          {
            id: '6',
            address: call.address,
            incoming: false,
            state: call.polls > 1 && state.callScenario === 'connect' ? 'CONNECTED' : 'CONNECTING',
          },
        ],
      },
    ];
  };
  const sessions = new Set<string>();
  const json = (res: import('node:http').ServerResponse, status: number, value: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  const server: Server = createServer(async (req, res) => {
    const text = await requestBody(req);
    if (state.delayMs > 0) {
      // Stop waiting when the client gives up, so closing the fake leaves no timer behind.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, state.delayMs);
        res.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (res.destroyed) return;
    const path = new URL(req.url ?? '/', 'http://codec').pathname;
    state.requests.push(`${req.method} ${path}`);
    if (req.method === 'POST' && path === '/rest/session') {
      let creds: { user?: string; password?: string; action?: string } = {};
      try {
        creds = JSON.parse(text);
      } catch {
        return json(res, 400, { success: false, reason: 'Invalid JSON' });
      }
      if ((state.dialect === 'groupseries') !== (creds.action === 'Login')) {
        return json(res, 400, { success: false, reason: 'Invalid request' });
      }
      if (creds.user !== state.username || creds.password !== state.password) {
        return json(res, 401, { success: false, reason: 'Invalid username or password' });
      }
      const id = randomBytes(16).toString('base64url');
      sessions.add(id);
      state.logins++;
      res.setHeader('set-cookie', `session_id=${id}; Path=/; Secure; HttpOnly`);
      return json(res, 200, {
        session: { sessionId: id, isAuthenticated: true, role: 'ADMIN', userId: state.username },
      });
    }
    const cookie = /(?:^|;\s*)session_id=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (!cookie || !sessions.has(cookie))
      return json(res, 401, { success: false, reason: 'Session not authenticated' });
    if (state.malformed) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"model": "G7500", "softwareVer');
      return;
    }
    if (req.method === 'GET' && path === '/rest/system') {
      return json(res, 200, {
        build: '366027',
        model: 'G7500',
        softwareVersion: '3.12.0',
        state: 'READY',
        systemName: 'UBND-YenSon-G7500',
        uptime: 693845.31,
      });
    }
    if (req.method === 'GET' && path === '/rest/system/status' && state.dialect === 'groupseries')
      return json(res, 200, real('group-series-500-6.2.2.8', 'system-status.json'));
    if (req.method === 'GET' && path === '/rest/system/status') {
      return json(res, 200, [
        { langtag: 'LAN_NETWORK_HEADING', name: 'system.status.ipnetwork', stateList: ['up'] },
        { langtag: 'CAMERAS_HEADING', name: 'system.status.mr.camera', stateList: [state.cameraState] },
        { langtag: 'MICROPHONES_HEADING', name: 'system.status.mr.audio', stateList: ['all_up'] },
        { langtag: 'SIP_SERVER_HEADING', name: 'system.status.sipserver', stateList: ['up'] },
        { langtag: 'REMOTE_CONTROL_HEADING', name: 'system.status.remotecontrol', stateList: ['off'] },
      ]);
    }
    if (req.method === 'POST' && path === '/rest/conferences') {
      if (state.call || state.inCall) return json(res, 409, { success: false, reason: 'already in a call' });
      state.call = { address: String(JSON.parse(text).address), polls: 0 };
      return json(res, 200, [{ href: '/rest/conferences/0/connections/6', rel: 'item' }]);
    }
    if (req.method === 'GET' && path === '/rest/calllog/entries') {
      const causeCode = state.callScenario === 'busy' ? 17 : 21;
      return json(res, 200, [{ address: CAPTURED_TEST_CALL, causeCode, connected: false, type: 'PLACED' }]);
    }
    if (req.method === 'GET' && path === '/rest/conferences/0/mediastats') {
      return json(res, 200, JSON.parse(fixture('codec/poly/mediastats-in-call.json')));
    }
    if (req.method === 'DELETE' && path === '/rest/conferences/0') {
      state.call = null;
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET' && path === '/rest/audio')
      return json(res, 200, real('studio-x30-3.12.0', 'audio.json'));
    if (req.method === 'GET' && path === '/rest/audio/microphones')
      return json(res, 200, real('studio-x30-3.12.0', 'audio-microphones.json'));
    if (req.method === 'GET' && path === '/rest/cameras/near/all')
      return json(
        res,
        200,
        real(
          state.dialect === 'groupseries' ? 'group-series-500-6.2.2.8' : 'studio-x30-3.10.0',
          'cameras-near-all.json',
        ),
      );
    if (req.method === 'POST' && path === '/rest/current/devicemanagement/devices')
      return json(res, 200, real('studio-x30-3.12.0', 'devicemanagement-devices.json'));
    if (req.method === 'POST' && path === '/rest/system/reboot') return json(res, 200, { success: true });
    if (req.method === 'GET' && path === '/rest/conferences' && state.call)
      return json(res, 200, conferences());
    if (req.method === 'GET' && path === '/rest/conferences') {
      return json(
        res,
        200,
        state.inCall
          ? [
              {
                id: 0,
                isActive: true,
                isMuted: false,
                connections: [{ id: 1, state: 'CONNECTED', address: 'mcu@hnth.example' }],
              },
            ]
          : [],
      );
    }
    if (req.method === 'POST' && path === '/rest/config') {
      const names: string[] = JSON.parse(text).names ?? [];
      return json(res, 200, {
        vars: names.map((name) =>
          name in state.config
            ? {
                name,
                value: state.config[name],
                result: 'NOERROR',
                isEditable: true,
                isHidden: false,
                isSecure: false,
              }
            : { name, result: 'ERROR' },
        ),
      });
    }
    return json(res, 404, { success: false, reason: 'Not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    expireSessions: () => sessions.clear(),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
