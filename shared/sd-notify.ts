/**
 * The systemd notify protocol (sd_notify(3)), for `Type=notify` units with `WatchdogSec=`: `READY=1`
 * once started, `WATCHDOG=1` every half watchdog period while the event loop runs, `STOPPING=1` on
 * the way out. Messages are datagrams to the unix socket systemd names in `$NOTIFY_SOCKET`. Node has
 * no unix datagram sockets, hence unix-dgram; a helper process (`systemd-notify`) would not do,
 * because systemd attributes a message by its sender's process and may drop one from a process
 * that already exited. Outside systemd (no `$NOTIFY_SOCKET`) every call is a no-op. A failed send
 * is data, logged by the caller: it must never stop the program.
 */
/** Sends one datagram to a unix socket path; rejects with the OS error. */
export type DatagramSend = (socketPath: string, message: Buffer) => Promise<void>;

export const unixDatagramSend: DatagramSend = async (socketPath, message) => {
  // Loaded on the first message, so only under systemd: a native module a program outside it (a
  // room controller run by hand, a test, the demo) never loads.
  const { default: unixDgram } = await import('unix-dgram');
  return new Promise((resolve, reject) => {
    const socket = unixDgram.createSocket('unix_dgram');
    // Errors of the socket itself (not of this send) arrive as events; they fail this send too.
    socket.once('error', reject);
    socket.send(message, 0, message.length, socketPath, (err) => {
      socket.close();
      if (err) reject(err);
      else resolve();
    });
  });
};

export type NotifyResult = { sent: true } | { sent: false; error: string };

export interface SdNotifier {
  /** Whether systemd listens (`$NOTIFY_SOCKET` is set). */
  readonly enabled: boolean;
  /** Half the unit's `WatchdogSec`, when systemd watches this process; null otherwise. */
  readonly watchdogIntervalMs: number | null;
  notify(state: string): Promise<NotifyResult>;
  /** Feeds the watchdog until the returned function is called; `onResult` hears each send. */
  startWatchdog(onResult?: (result: NotifyResult) => void): () => void;
}

export function sdNotifier(
  env: NodeJS.ProcessEnv = process.env,
  send: DatagramSend = unixDatagramSend,
  pid: number = process.pid,
): SdNotifier {
  const socketPath = env.NOTIFY_SOCKET ?? '';
  const enabled = socketPath !== '';
  const usec = Number(env.WATCHDOG_USEC);
  // sd_watchdog_enabled(3): WATCHDOG_PID, when set, names the one process that must feed it.
  const forUs = env.WATCHDOG_PID === undefined || Number(env.WATCHDOG_PID) === pid;
  const watchdogIntervalMs = enabled && forUs && Number.isFinite(usec) && usec > 0 ? usec / 2000 : null;

  const notify = async (state: string): Promise<NotifyResult> => {
    if (!enabled) return { sent: false, error: 'NOTIFY_SOCKET is not set (not run by systemd)' };
    if (socketPath.startsWith('@')) {
      return {
        sent: false,
        error: `abstract notify socket ${socketPath} is not supported; run under a systemd that uses a path`,
      };
    }
    try {
      await send(socketPath, Buffer.from(state));
      return { sent: true };
    } catch (err) {
      return { sent: false, error: `${socketPath}: ${(err as Error).message}` };
    }
  };

  return {
    enabled,
    watchdogIntervalMs,
    notify,
    startWatchdog(onResult) {
      if (watchdogIntervalMs === null) return () => {};
      const timer = setInterval(() => {
        void notify('WATCHDOG=1').then((r) => onResult?.(r));
      }, watchdogIntervalMs);
      // The watchdog must not be the thing that keeps a stopping program alive.
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

/**
 * What a daemon's command line does with systemd: `ready()` once it runs (READY=1, then the
 * watchdog), `stopping()` on a signal. A failed send is logged once per distinct error, not at
 * every watchdog tick.
 */
export function systemdLifecycle(
  log: { warn(obj: object, msg: string): void },
  notifier: SdNotifier = sdNotifier(),
) {
  let lastError = '';
  const report = (r: NotifyResult) => {
    if (r.sent) lastError = '';
    else if (r.error !== lastError) {
      lastError = r.error;
      log.warn({ error: r.error }, 'could not notify systemd');
    }
  };
  let stopWatchdog = () => {};
  return {
    async ready(): Promise<void> {
      if (!notifier.enabled) return;
      report(await notifier.notify('READY=1'));
      stopWatchdog = notifier.startWatchdog(report);
    },
    async stopping(): Promise<void> {
      stopWatchdog();
      if (notifier.enabled) report(await notifier.notify('STOPPING=1'));
    },
  };
}
