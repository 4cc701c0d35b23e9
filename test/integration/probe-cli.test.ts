/** `hnth-agent probe <target> [--json]` as a technician runs it: its own process, real peers. */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type FakeXapiCodec, startFakeXapiCodec } from '../fakes/fake-xapi-codec.js';
import { freePort } from '../helpers/mosquitto.js';
import { type RunningSipp, startSipp } from '../helpers/sipp.js';

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'agent/cli.ts', 'probe', ...args],
      { env: { ...process.env, NODE_OPTIONS: '' } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    );
  });
}

describe('hnth-agent probe', () => {
  let sipp: RunningSipp;
  let codec: FakeXapiCodec;

  beforeAll(async () => {
    [sipp, codec] = await Promise.all([startSipp('options-200', 'tcp'), startFakeXapiCodec()]);
  });
  afterAll(async () => {
    await Promise.all([sipp?.stop(), codec?.close()]);
  });

  test('a SIP peer that answers: {ok, rttMs, detail} and exit 0', async () => {
    const r = await cli(`sip:127.0.0.1:${sipp.port};transport=tcp`, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, rttMs: expect.any(Number), detail: '200 OK' });
  });

  test('an xAPI codec with its credentials in the target', async () => {
    const port = new URL(codec.url).port;
    const r = await cli(`xapi+http://hnth:secret@127.0.0.1:${port}`, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, detail: 'up: ce11.14.1.5.47f3d6, standby Off' });
  });

  test('nothing listening: not ok, exit 1', async () => {
    const r = await cli(`tcp:127.0.0.1:${await freePort()}`, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      rttMs: null,
      detail: expect.stringMatching(/ECONNREFUSED/),
    });
  });

  test('a target that is not one: exit 2 with the accepted forms', async () => {
    const r = await cli('ftp://codec');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"ftp:\/\/codec" is not a probe target; write it as sip:host:port/);
  });
});
