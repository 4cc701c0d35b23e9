/**
 * A fake Poly G7500 / Studio X speaking the Poly VideoOS REST API, built from Poly's "Poly VideoOS
 * REST API Reference Guide" (3725-86572, software 3.x): `POST /rest/session` with `{user, password}`
 * opening a session kept in the `session_id` cookie (401 on wrong credentials or without a session),
 * `GET /rest/system` (`model`, `softwareVersion`, `state`, `uptime`), `GET /rest/system/status` (a
 * list of `{langtag, name, stateList}` such as `system.status.mr.camera` `all_up`), `GET
 * /rest/conferences` (the active conferences, `[]` when idle) and `POST /rest/config` with `{names}`
 * answering `{vars: [{name, value, result}]}`. Tests change `state` to stage faults.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { requestBody } from './request-body.js';

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
    if (req.method === 'GET' && path === '/rest/system/status') {
      return json(res, 200, [
        { langtag: 'LAN_NETWORK_HEADING', name: 'system.status.ipnetwork', stateList: ['up'] },
        { langtag: 'CAMERAS_HEADING', name: 'system.status.mr.camera', stateList: [state.cameraState] },
        { langtag: 'MICROPHONES_HEADING', name: 'system.status.mr.audio', stateList: ['all_up'] },
        { langtag: 'SIP_SERVER_HEADING', name: 'system.status.sipserver', stateList: ['up'] },
        { langtag: 'REMOTE_CONTROL_HEADING', name: 'system.status.remotecontrol', stateList: ['off'] },
      ]);
    }
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
