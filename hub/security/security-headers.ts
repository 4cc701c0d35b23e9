/**
 * Headers on every answer: a Content-Security-Policy that allows only the hub's own scripts and
 * styles (no inline script, no framing), the usual nosniff, frame and referrer headers, and HSTS
 * when served over HTTPS.
 */
import type { FastifyInstance } from 'fastify';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const headers: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    reply.headers(headers);
    // Once a browser reached the hub over HTTPS, it must never fall back to plain HTTP.
    if (req.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000');
  });
}
