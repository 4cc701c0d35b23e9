/**
 * The line test over a real line: two network namespaces made by this test (the room's and the
 * MCU's, a veth pair between them, addresses from a /30 that exists only inside them). In the MCU's
 * namespace sipp answers as the MCU's test number and echoes the RTP it receives (`-rtp_echo`),
 * behind a small relay (test/helpers/udp-relay.ts) that drops or delays the media as the test says;
 * `tc netem` is not available here. The room's controller runs `hnth-agent probe line:…` in its
 * namespace, as a technician would. Then a silent peer: nothing answers the INVITE.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';

const tag = `${process.pid % 100000}`;
const room = `hnth-lr-${tag}`;
const mcu = `hnth-lm-${tag}`;
const MCU = '10.200.78.2';
const SIP_PORT = 5060;
const MEDIA_PORT = 6000;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function removeNamespaces(): void {
  for (const ns of [room, mcu]) {
    try {
      ip('netns', 'del', ns);
    } catch {
      // not created (setup failed early) or already gone
    }
  }
}

/** A process inside a namespace, with its stdout kept. */
function inNamespace(
  ns: string,
  command: string,
  args: string[],
): { child: ChildProcess; out: () => string } {
  const child = spawn('ip', ['netns', 'exec', ns, command, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return { child, out: () => out };
}

async function stop(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** Resolves once the process printed `text` (or fails with what it printed when it exits first). */
function printed(p: ReturnType<typeof inNamespace>, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (p.out().includes(text)) resolve();
    };
    p.child.stdout?.on('data', check);
    p.child.once('exit', () => reject(new Error(`exited before "${text}": ${p.out()}`)));
    check();
  });
}

let sipp: ReturnType<typeof inNamespace> | undefined;
let relay: ReturnType<typeof inNamespace> | undefined;

beforeAll(async () => {
  try {
    ip('netns', 'add', room);
    ip('netns', 'add', mcu);
    ip('link', 'add', `lr${tag}`, 'netns', room, 'type', 'veth', 'peer', 'name', `lm${tag}`, 'netns', mcu);
    ip('-n', room, 'addr', 'add', '10.200.78.1/30', 'dev', `lr${tag}`);
    ip('-n', mcu, 'addr', 'add', `${MCU}/30`, 'dev', `lm${tag}`);
    for (const [ns, dev] of [
      [room, `lr${tag}`],
      [mcu, `lm${tag}`],
    ] as const) {
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
  } catch (err) {
    removeNamespaces();
    throw err;
  }
  // The MCU's test number: sipp's built-in answering scenario, echoing RTP, on the MCU's loopback.
  sipp = inNamespace(mcu, 'sipp', [
    '-sn',
    'uas',
    '-i',
    '127.0.0.1',
    '-p',
    String(SIP_PORT),
    '-mi',
    '127.0.0.1',
    '-mp',
    String(MEDIA_PORT),
    '-rtp_echo',
    '-nostdin',
  ]);
}, 30_000);

afterAll(async () => {
  await stop(relay?.child);
  await stop(sipp?.child, 'SIGKILL');
  removeNamespaces();
});

/** The line between room and MCU, as the relay makes it. */
async function line(drop: number, delayMs: number, silent = false): Promise<void> {
  await stop(relay?.child);
  relay = inNamespace(mcu, process.execPath, [
    '--import',
    'tsx',
    'test/helpers/udp-relay.ts',
    '--listen',
    MCU,
    '--to',
    '127.0.0.1',
    '--sip',
    String(SIP_PORT),
    '--media',
    String(MEDIA_PORT),
    '--drop',
    String(drop),
    '--delay',
    String(delayMs),
    ...(silent ? ['--silent'] : []),
  ]);
  await printed(relay, 'ready');
}

/** `hnth-agent probe line:… --json` on the room's controller. */
function probe(): Promise<{ code: number; result: { ok: boolean; rttMs: number | null; detail: string } }> {
  return new Promise((resolve) => {
    execFile(
      'ip',
      [
        'netns',
        'exec',
        room,
        process.execPath,
        '--import',
        'tsx',
        'agent/cli.ts',
        'probe',
        `line:sip:9999@${MCU}:${SIP_PORT}`,
        '--json',
        '--timeout',
        '3000',
      ],
      { env: { ...process.env, NODE_OPTIONS: '' } },
      (err, stdout) => resolve({ code: err ? Number(err.code) : 0, result: JSON.parse(stdout) }),
    );
  });
}

/** `loss 10 %, jitter 1.2 ms, round trip 81 ms` out of the probe's words. */
function figures(detail: string) {
  const m = /loss ([\d.]+) %, jitter ([\d.-]+) ms, round trip ([\d.]+) ms/.exec(detail);
  if (!m) throw new Error(`no figures in "${detail}"`);
  return { lossPct: Number(m[1]), jitterMs: Number(m[2]), rttMs: Number(m[3]) };
}

describe('the line test through a line the test controls', () => {
  test('a clean line: answered, every packet echoed, a short round trip', async () => {
    await line(0, 0);
    const { code, result } = await probe();
    expect(code).toBe(0);
    expect(result.detail).toMatch(/^answered: /);
    const f = figures(result.detail);
    expect(f.lossPct).toBe(0);
    expect(f.rttMs).toBeLessThan(50);
  });

  test('a line losing a tenth of the room’s media: 10 % lost', async () => {
    await line(0.1, 0);
    const { result } = await probe();
    expect(figures(result.detail).lossPct).toBe(10);
  });

  test('a line holding each packet 40 ms each way: the round trip shows it', async () => {
    await line(0, 40);
    const { result } = await probe();
    expect(figures(result.detail).rttMs).toBeGreaterThanOrEqual(80);
  });

  test('a silent peer: no answer within the deadline, not ok, exit 1', async () => {
    await line(0, 0, true);
    const { code, result } = await probe();
    expect(code).toBe(1);
    expect(result).toMatchObject({
      ok: false,
      rttMs: null,
      detail: expect.stringMatching(/^timeout; no answer from sip:9999@10\.200\.78\.2:5060 within 3000 ms/),
    });
  });

  test('nothing at the test number (the port unreachable): said so at once', async () => {
    await stop(relay?.child);
    relay = undefined;
    const { code, result } = await probe();
    expect(code).toBe(1);
    expect(result.detail).toBe('error; nothing answers SIP at 10.200.78.2:5060 (port unreachable)');
  });
});
