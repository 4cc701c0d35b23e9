import type { Demo } from '../demo/demo.js';

/** Logs in to the demo's dashboard as its operator; the cookie for API calls and /ws. */
export async function demoSession(demo: Demo): Promise<{ cookie: string }> {
  const login = await fetch(`${demo.httpUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(demo.operator),
  });
  if (login.status !== 200) throw new Error(`demo login refused: HTTP ${login.status}`);
  return { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]! };
}
