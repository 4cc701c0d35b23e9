/**
 * One HTTP(S) request with a deadline, for probes of devices on the room's network. Codecs ship
 * self-signed certificates, so TLS verification can be turned off per target (`insecureTls`). Every
 * failure comes back as `{ok: false, error}`; nothing is thrown.
 */
import http from 'node:http';
import https from 'node:https';
import { elapsedMs, errorText } from './probe-result.js';

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  insecureTls?: boolean;
}

export type HttpOutcome =
  | { ok: true; status: number; headers: http.IncomingHttpHeaders; body: string; rttMs: number }
  | { ok: false; error: string; timedOut: boolean };

/** Bodies larger than this are not a probe's answer (a full xAPI /Status is about 100 KiB). */
const MAX_BODY = 4 * 1024 * 1024;

export function httpRequest(req: HttpRequest): Promise<HttpOutcome> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return Promise.resolve({ ok: false, error: `invalid URL "${req.url}"`, timedOut: false });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.resolve({ ok: false, error: `unsupported scheme ${url.protocol}`, timedOut: false });
  }
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const start = performance.now();
    let settled = false;
    const finish = (outcome: HttpOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const request = lib.request(
      url,
      {
        method: req.method ?? 'GET',
        headers: {
          ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}),
          ...req.headers,
        },
        ...(url.protocol === 'https:' ? { rejectUnauthorized: !req.insecureTls } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (d: Buffer) => {
          size += d.length;
          if (size > MAX_BODY) {
            request.destroy();
            finish({ ok: false, error: `answer larger than ${MAX_BODY} bytes`, timedOut: false });
          } else chunks.push(d);
        });
        res.on('end', () =>
          finish({
            ok: true,
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            rttMs: elapsedMs(start),
          }),
        );
        res.on('error', (err) => finish({ ok: false, error: errorText(err), timedOut: false }));
      },
    );
    // One deadline for the whole exchange, headers and body: a device that trickles is as bad as a silent one.
    const timer = setTimeout(() => {
      finish({ ok: false, error: `no complete answer within ${req.timeoutMs} ms`, timedOut: true });
      request.destroy();
    }, req.timeoutMs);
    request.on('error', (err) => finish({ ok: false, error: errorText(err), timedOut: false }));
    request.end(req.body);
  });
}

export function basicAuth(username: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}
