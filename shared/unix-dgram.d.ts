/** The part of unix-dgram (no types published) that sd-notify and its test use. */
declare module 'unix-dgram' {
  import type { EventEmitter } from 'node:events';

  interface UnixDgramSocket extends EventEmitter {
    bind(path: string): void;
    send(buf: Buffer, offset: number, length: number, path: string, callback: (err?: Error) => void): void;
    close(): void;
  }

  function createSocket(type: 'unix_dgram', listener?: (msg: Buffer) => void): UnixDgramSocket;
  const unixDgram: { createSocket: typeof createSocket };
  export default unixDgram;
}
