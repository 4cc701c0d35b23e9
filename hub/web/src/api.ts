/**
 * The hub's API from the browser: JSON in and out (or a text body, a CSV file), the session's CSRF
 * token on every change, and every answer as data (`{ok, status, body}`), so a page shows a refusal
 * instead of throwing.
 */
export interface ApiAnswer<T = unknown> {
  ok: boolean;
  status: number;
  body: T;
}

/** The hub's error body: `{error, code?, field?, rule?, article?}`, with more on some routes. */
export interface ApiError {
  error: string;
  code?: string;
  field?: string;
  rule?: string;
  article?: string;
  [key: string]: unknown;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

let csrfToken = '';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

async function request<T>(
  method: Method,
  path: string,
  body?: { text: string; contentType: string },
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = {};
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (body) headers['content-type'] = body.contentType;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body?.text });
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

export function api<T = unknown>(method: Method, path: string, body?: unknown): Promise<ApiAnswer<T>> {
  return request<T>(
    method,
    path,
    body === undefined ? undefined : { text: JSON.stringify(body), contentType: 'application/json' },
  );
}

/** Posts a text body (a CSV file) instead of JSON. */
export function sendText<T = unknown>(
  path: string,
  text: string,
  contentType: string,
): Promise<ApiAnswer<T>> {
  return request<T>('POST', path, { text, contentType });
}

export const get = <T>(path: string) => api<T>('GET', path);
