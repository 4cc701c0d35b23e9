/**
 * `hnth-hub credentials issue --all` as an operator runs it on a province's fleet file of a few
 * hundred communes: every room gets a password, one CSV line each, in a file only its owner reads;
 * a real Mosquitto started with the exported password file lets them in; a second run issues none;
 * --rotate replaces them all; a run killed midway leaves a file that matches what was committed, and
 * the next run goes on from there; bad usage is refused before anything changes.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectAsync } from 'mqtt';
import { BATCH_ROOMS } from '../../hub/security/bulk-credentials.js';
import { CSV_HEADER } from '../../hub/security/credentials-csv.js';
import type { MqttCredentials } from '../../hub/security/mqtt-credentials.js';
import { Fleet } from '../../shared/fleet.js';
import type { Room } from '../../shared/fleet-file.js';
import { openSecurityIn } from '../helpers/hub-harness.js';
import { startShippedMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeTestCertificate } from '../helpers/tls-certs.js';
import { waitFor } from '../helpers/wait.js';

const ROOMS = 200;
/** Hashing a few hundred rooms takes seconds alone, and a minute on a machine shared with other work. */
const SLOW_MS = 180_000;
const dir = tempDir('hnth-bulk-creds-');
afterAll(() => dir.remove());

const rooms: Room[] = Array.from({ length: ROOMS }, (_, i) => {
  const id = `xa-${String(i + 1).padStart(4, '0')}`;
  return { no: 100 + i, id, name: `UBND xã ${i + 1}`, nameEn: `Commune ${i + 1}`, kind: 'commune' };
});
const roomIds = rooms.map((r) => r.id);
const fleetFile = path.join(dir.path, 'fleet.json');
writeFileSync(fleetFile, JSON.stringify(rooms));

const env = (dataDir: string) => ({
  ...process.env,
  NODE_OPTIONS: '',
  HNTH_DATA_DIR: dataDir,
  HNTH_FLEET_FILE: fleetFile,
});
const cliArgs = (...args: string[]) => ['--import', 'tsx', 'hub/cli.ts', ...args];

function hnthHub(dataDir: string, ...args: string[]) {
  return spawnSync(process.execPath, cliArgs(...args), {
    env: env(dataDir),
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/** The CSV's rows after its header, as [room, username, password]. */
function csvRows(file: string): string[][] {
  const [header, ...lines] = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  expect(header).toBe(CSV_HEADER);
  return lines.map((l) => l.split(','));
}

/** What the hub's database holds, opened the way the CLI opens it. */
async function withCredentials<T>(dataDir: string, use: (c: MqttCredentials) => Promise<T> | T): Promise<T> {
  const security = await openSecurityIn(path.join(dataDir, 'hnth.db'), {}, new Fleet(rooms));
  try {
    return await use(security.credentials);
  } finally {
    security.close();
  }
}

/** Every tenth row (verifying one costs a scrypt); a first and last among them. */
const sample = (rows: string[][]) => rows.filter((_, i) => i % 10 === 0 || i === rows.length - 1);

describe('hnth-hub credentials issue --all on a fleet of a few hundred rooms', () => {
  const dataDir = path.join(dir.path, 'data');
  const first = path.join(dir.path, 'first.csv');
  let firstRun: ReturnType<typeof hnthHub>;

  beforeAll(() => {
    firstRun = hnthHub(dataDir, 'credentials', 'issue', '--all', '--out', first);
  }, SLOW_MS);

  test('gives every room a password, one CSV line each, in a file only its owner reads', async () => {
    expect([firstRun.status, firstRun.stderr]).toEqual([
      0,
      expect.stringContaining('issued 200, skipped 0, total 200 rooms'),
    ]);
    expect(firstRun.stdout).toBe('');
    expect(firstRun.stderr).toMatch(
      /: 100\/200 rooms issued \(\d+ s, about \d+ s left\)\n[^\n]*: issued 200, skipped 0,/,
    );
    expect(statSync(first).mode & 0o777).toBe(0o600);
    const rows = csvRows(first);
    expect(rows.map(([room]) => room)).toEqual(roomIds);
    expect(rows.every(([room, username]) => username === room)).toBe(true);
    expect(new Set(rows.map(([, , password]) => password)).size).toBe(ROOMS);
    await withCredentials(dataDir, async (credentials) => {
      expect([...(await credentials.issuedAccounts())].sort()).toEqual(roomIds);
      for (const [room, , password] of sample(rows))
        expect(await credentials.verify(room!, password!)).toEqual({ kind: 'room', roomId: room });
    });
  });

  test('a real Mosquitto started with the exported password file lets a sample of rooms in, and no one else', async () => {
    const files = path.join(dir.path, 'etc');
    const exported = hnthHub(dataDir, 'export', 'mosquitto', files);
    expect([exported.status, exported.stdout]).toEqual([0, expect.stringMatching(/\(200 rooms\)/)]);
    const cert = makeTestCertificate();
    mkdirSync(path.join(files, 'tls'));
    copyFileSync(cert.certFile, path.join(files, 'tls', 'server.crt'));
    copyFileSync(cert.keyFile, path.join(files, 'tls', 'server.key'));
    const mosquitto = await startShippedMosquitto(files);
    // Rooms log in on the rooms' TLS listener; the loopback one knows only the hub's account.
    const ca = readFileSync(cert.caFile);
    const connect = (username: string, password: string) =>
      connectAsync(mosquitto.tlsUrl, { username, password, clientId: username, reconnectPeriod: 0, ca }).then(
        (client) => client.endAsync().then(() => 'accepted'),
        (err: Error) => err.message,
      );
    try {
      const rows = csvRows(first);
      for (const [room, , password] of rows.filter((_, i) => i % 50 === 0 || i === rows.length - 1))
        expect([room, await connect(room!, password!)]).toEqual([room, 'accepted']);
      const [[room, , password], [, , other]] = rows as [string[], string[]];
      expect(await connect(room!, other!)).toMatch(/Not authorized|Bad username or password/);
      expect(password).not.toBe(other);
    } finally {
      await mosquitto.stop();
      cert.remove();
    }
  });

  test('a second run issues none and changes nothing stored', async () => {
    const before = await withCredentials(dataDir, (c) => c.list());
    const second = path.join(dir.path, 'second.csv');
    const res = hnthHub(dataDir, 'credentials', 'issue', '--all', '--out', second);
    expect([res.status, res.stderr]).toEqual([
      0,
      expect.stringContaining(
        'issued 0, skipped 200 (they have a password; --rotate replaces them), total 200 rooms',
      ),
    ]);
    expect(res.stderr).not.toMatch(/rooms issued \(/);
    expect(csvRows(second)).toEqual([]);
    expect(await withCredentials(dataDir, (c) => c.list())).toEqual(before);
  });

  test('an existing file is refused before anything is issued, and left as it was', async () => {
    const content = readFileSync(first, 'utf8');
    const before = await withCredentials(dataDir, (c) => c.list());
    const res = hnthHub(dataDir, 'credentials', 'issue', '--all', '--rotate', '--out', first);
    expect(res.status).toBe(2);
    expect(res.stderr).toBe(
      `hnth-hub credentials: ${first} already exists and is not overwritten (it may hold passwords not yet handed out); move it away or give another --out\n`,
    );
    expect(readFileSync(first, 'utf8')).toBe(content);
    expect(await withCredentials(dataDir, (c) => c.list())).toEqual(before);
  });

  test(
    '--rotate gives every room a new password; the old ones stop working',
    async () => {
      const rotated = path.join(dir.path, 'rotated.csv');
      const res = hnthHub(dataDir, 'credentials', 'issue', '--all', '--rotate', '--out', rotated);
      expect([res.status, res.stderr]).toEqual([
        0,
        expect.stringContaining('issued 200, skipped 0, total 200 rooms'),
      ]);
      const [old, fresh] = [csvRows(first), csvRows(rotated)];
      expect(fresh.map(([room]) => room)).toEqual(roomIds);
      expect(fresh.filter(([, , password], i) => password === old[i]![2])).toEqual([]);
      await withCredentials(dataDir, async (credentials) => {
        for (const [room, , password] of sample(fresh))
          expect(await credentials.verify(room!, password!)).not.toBeNull();
        for (const [room, , password] of sample(old))
          expect(await credentials.verify(room!, password!)).toBeNull();
      });
    },
    SLOW_MS,
  );

  const stray = path.join(dir.path, 'stray.csv');
  test.each<[string[], RegExp]>([
    [
      ['credentials', 'issue', 'xa-0001', '--all', '--out', stray],
      /give one room id or --all, not both \(got "xa-0001" and --all\)/,
    ],
    [['credentials', 'issue', 'xa-0001', '--rotate'], /--rotate and --out go with --all/],
    [['credentials', 'issue', '--out', stray], /--rotate and --out go with --all/],
    [
      ['credentials', 'issue', '--all', '--out', path.join(dir.path, 'absent', 'x.csv')],
      /cannot create .*absent\/x\.csv: ENOENT/,
    ],
  ])('%j is refused with exit 2, naming what is wrong, and changes nothing', async (args, message) => {
    const before = await withCredentials(dataDir, (c) => c.list());
    const res = hnthHub(dataDir, ...args);
    expect([res.status, res.stderr]).toEqual([2, expect.stringMatching(message)]);
    expect([existsSync(stray), existsSync(path.join(dir.path, 'absent'))]).toEqual([false, false]);
    expect(await withCredentials(dataDir, (c) => c.list())).toEqual(before);
  });
});

describe('a run of credentials issue --all killed midway', () => {
  const dataDir = path.join(dir.path, 'killed');
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const [killedFile, resumedFile] = [path.join(dir.path, 'killed.csv'), path.join(dir.path, 'resumed.csv')];

  test(
    'leaves a file matching what was committed; the next run issues the rest',
    async () => {
      const run = spawn(process.execPath, cliArgs('credentials', 'issue', '--all', '--out', killedFile), {
        env: env(dataDir),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child = run;
      let stderr = '';
      run.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const exited = new Promise((resolve) => run.once('exit', resolve));
      await waitFor('the first batch committed', () => /100\/200 rooms issued/.test(stderr), 60_000);
      run.kill('SIGKILL');
      await exited;

      const written = csvRows(killedFile);
      expect(written.length % BATCH_ROOMS).toBe(0);
      expect(written.length).toBeGreaterThanOrEqual(BATCH_ROOMS);
      const committed = await withCredentials(dataDir, async (credentials) => {
        for (const [room, , password] of sample(written))
          expect(await credentials.verify(room!, password!)).not.toBeNull();
        return credentials.issuedAccounts();
      });
      // Each line was written after its batch committed, and the kill came after a batch's lines.
      expect(written.every(([room]) => committed.has(room!))).toBe(true);
      expect(committed.size).toBeLessThan(ROOMS);

      const res = hnthHub(dataDir, 'credentials', 'issue', '--all', '--out', resumedFile);
      expect([res.status, res.stderr]).toEqual([
        0,
        expect.stringContaining(`issued ${ROOMS - committed.size}, skipped ${committed.size}`),
      ]);
      const resumed = csvRows(resumedFile);
      expect(resumed.filter(([room]) => committed.has(room!))).toEqual([]);
      expect(await withCredentials(dataDir, async (c) => [...(await c.issuedAccounts())].sort())).toEqual(
        roomIds,
      );
      await withCredentials(dataDir, async (credentials) => {
        for (const [room, , password] of sample(resumed))
          expect(await credentials.verify(room!, password!)).not.toBeNull();
      });
    },
    SLOW_MS,
  );
});

describe('where credentials issue --all writes the passwords', () => {
  const smallFleet = path.join(dir.path, 'small-fleet.json');
  writeFileSync(smallFleet, JSON.stringify(rooms.slice(0, 3)));
  const tsx = path.resolve('node_modules/tsx/dist/loader.mjs');
  const run = (dataDir: string, cwd: string, ...args: string[]) =>
    spawnSync(process.execPath, ['--import', tsx, path.resolve('hub/cli.ts'), ...args], {
      env: { ...env(dataDir), HNTH_FLEET_FILE: smallFleet },
      cwd,
      encoding: 'utf8',
      timeout: 60_000,
    });

  test('`--out -` is standard output, the summary on stderr', () => {
    const res = run(
      path.join(dir.path, 'stdout-data'),
      process.cwd(),
      'credentials',
      'issue',
      '--all',
      '--out',
      '-',
    );
    expect(res.status).toBe(0);
    const [header, ...lines] = res.stdout.split('\n').filter(Boolean);
    expect(header).toBe(CSV_HEADER);
    expect(lines.map((l) => l.split(',')[0])).toEqual(roomIds.slice(0, 3));
    expect(res.stderr).toMatch(/issued 3, skipped 0, total 3 rooms; passwords in standard output\./);
  });

  test('without --out, a new file named for the time in the current folder', () => {
    const cwd = path.join(dir.path, 'cwd');
    mkdirSync(cwd);
    const res = run(path.join(dir.path, 'default-data'), cwd, 'credentials', 'issue', '--all');
    expect([res.status, res.stdout]).toEqual([0, '']);
    const file = /passwords in (hnth-mqtt-passwords-\d{8}T\d{6}Z\.csv)\./.exec(res.stderr)?.[1];
    expect(file).toBeDefined();
    expect(statSync(path.join(cwd, file!)).mode & 0o777).toBe(0o600);
    expect(csvRows(path.join(cwd, file!))).toHaveLength(3);
  });
});
