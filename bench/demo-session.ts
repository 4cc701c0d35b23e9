import type { Demo } from '../demo/demo.js';

/** Logs in to a hub's dashboard; the session cookie for API calls and /ws. */
export async function dashboardSession(
  httpUrl: string,
  login: { username: string; password: string },
): Promise<{ cookie: string }> {
  const res = await fetch(`${httpUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(login),
  });
  if (res.status !== 200) throw new Error(`dashboard login refused: HTTP ${res.status}`);
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]! };
}

/** Logs in to the demo's dashboard as its operator. */
export function demoSession(demo: Demo): Promise<{ cookie: string }> {
  return dashboardSession(demo.httpUrl, demo.operator);
}
