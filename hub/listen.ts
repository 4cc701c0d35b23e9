import type { Server } from 'node:net';
import type { Logger } from '../shared/logger.js';

/**
 * Listens on `port`; when it is taken and `fallback` is on, listens on a free port instead and says
 * so. Without fallback, a taken port is an error that names it and the variable to change.
 */
export async function listen(
  server: Server,
  what: { name: string; port: number; host: string; envVar: string },
  fallback: boolean,
  log: Logger,
): Promise<number> {
  const attempt = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        server.off('listening', onListening);
        reject(err);
      };
      const onListening = () => {
        server.off('error', onError);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(port, what.host);
    });
  try {
    return await attempt(what.port);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' || !fallback) {
      const hint = code === 'EADDRINUSE' ? `; set ${what.envVar} to a free port` : '';
      throw new Error(
        `${what.name} cannot listen on ${what.host}:${what.port}: ${(err as Error).message}${hint}`,
      );
    }
    const port = await attempt(0);
    log.warn(`${what.name}: port ${what.port} is taken, using ${port} instead`);
    return port;
  }
}

/** The URL a local client uses to reach a server listening on `host` (any address: loopback). */
export function localUrl(scheme: string, host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `${scheme}://${h}:${port}`;
}
