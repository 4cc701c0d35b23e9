/**
 * The hub's API from the browser: JSON in and out, the session's CSRF token on every change, and
 * every answer as data (`{ok, status, body}`), so a page shows a refusal instead of throwing.
 */
export interface ApiAnswer<T = unknown> {
  ok: boolean;
  status: number;
  body: T;
}

/** The hub's error body: `{error, field?, rule?, article?}`, with more on some routes. */
export interface ApiError {
  error: string;
  field?: string;
  rule?: string;
  article?: string;
  [key: string]: unknown;
}

let csrfToken = '';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export async function api<T = unknown>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = {};
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    return { ok: false, status: 0, body: { error: (err as Error).message } as T };
  }
  // A session that ended sends the user back to the login page.
  if (res.status === 401 && path !== '/api/login') location.href = '/login.html';
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { ok: res.ok, status: res.status, body: parsed as T };
}

export const get = <T>(path: string) => api<T>('GET', path);
