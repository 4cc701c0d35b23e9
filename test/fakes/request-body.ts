import type { IncomingMessage } from 'node:http';

/** The whole body of a request to a fake server, as text. */
export function requestBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (d: Buffer) => {
      text += d.toString();
    });
    req.on('end', () => resolve(text));
  });
}
