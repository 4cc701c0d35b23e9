/**
 * A stand-in for systemd's notify socket: a unix datagram socket bound in a temporary folder that
 * keeps every message it receives, for tests of sd_notify senders.
 */
import path from 'node:path';
import unixDgram from 'unix-dgram';
import { tempDir } from './temp-dir.js';

export interface NotifySocket {
  path: string;
  messages: string[];
  close(): void;
}

export function listenNotifySocket(): NotifySocket {
  const dir = tempDir('hnth-notify-');
  const socketPath = path.join(dir.path, 'notify');
  const messages: string[] = [];
  const socket = unixDgram.createSocket('unix_dgram', (msg) => messages.push(msg.toString()));
  socket.bind(socketPath);
  return {
    path: socketPath,
    messages,
    close() {
      socket.close();
      dir.remove();
    },
  };
}
