import { WebSocket } from 'ws';
import type { Demo } from '../demo/demo.js';

/** The session cookie for API calls and /ws, and the CSRF token a POST needs. */
export interface DashboardSession {
  cookie: string;
  csrfToken: string;
}

/** Logs in to a hub's dashboard. */
export async function dashboardSession(
  httpUrl: string,
  login: { username: string; password: string },
): Promise<DashboardSession> {
  const res = await fetch(`${httpUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(login),
  });
  if (res.status !== 200) throw new Error(`dashboard login refused: HTTP ${res.status}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, csrfToken };
}

/** Logs in to the demo's dashboard as its operator. */
export function demoSession(demo: Demo): Promise<DashboardSession> {
  return dashboardSession(demo.httpUrl, demo.operator);
}

/** The dashboard's live socket with the session's cookie, open. */
export async function openLive(httpUrl: string, session: DashboardSession): Promise<WebSocket> {
  const ws = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/ws`, { headers: { cookie: session.cookie } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return ws;
}
