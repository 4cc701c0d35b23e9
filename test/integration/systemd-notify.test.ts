/**
 * Both daemons under a stand-in for systemd's notify socket, as `Type=notify` with `WatchdogSec=`
 * runs them: READY=1 once started, WATCHDOG=1 while running, STOPPING=1 on SIGTERM, and a clean exit.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { listenNotifySocket, type NotifySocket } from '../helpers/notify-socket.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

let socket: NotifySocket;
let data: ReturnType<typeof tempDir>;
beforeEach(() => {
  socket = listenNotifySocket();
  data = tempDir('hnth-sd-');
});
afterEach(() => {
  socket.close();
  data.remove();
});

const daemons: [string, string[], Record<string, string>][] = [
  [
    'hnth-hub',
    ['hub/cli.ts'],
    { HNTH_HTTP_PORT: '0', HNTH_HTTP_HOST: '127.0.0.1', HNTH_MQTT_PORT: '0', HNTH_MQTT_HOST: '127.0.0.1' },
  ],
  // The agent starts without its hub (nothing listens on port 9): it must still say it is ready.
  [
    'hnth-agent',
    ['agent/cli.ts', '--simulate', '--room', 'tinh-uy'],
    { HNTH_MQTT_URL: 'mqtt://127.0.0.1:9' },
  ],
];

test.each(daemons)(
  '%s tells systemd it is ready, feeds the watchdog, and says when it stops',
  async (_name, args, env) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      env: {
        ...process.env,
        ...env,
        NODE_OPTIONS: '',
        HNTH_LOG_LEVEL: 'silent',
        HNTH_DATA_DIR: data.path,
        NOTIFY_SOCKET: socket.path,
        WATCHDOG_USEC: '200000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      await waitFor('READY=1', () => socket.messages.includes('READY=1'), 20_000);
      await waitFor(
        'two watchdog feeds',
        () => socket.messages.filter((m) => m === 'WATCHDOG=1').length >= 2,
      );
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
      expect(socket.messages[0]).toBe('READY=1');
      expect(socket.messages.at(-1)).toBe('STOPPING=1');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  },
  30_000,
);
