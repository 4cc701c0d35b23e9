/** The demo's MCU answers the hub's own SIP OPTIONS probe on loopback, 200 for OPTIONS and 501 for the rest. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type SimMcu, sipAnswer, startSimMcu } from '../../demo/sim-mcu.js';
import { parseSipTarget, sipOptions } from '../../shared/probes/sip-options.js';

describe('the demo’s simulated MCU', () => {
  let mcu: SimMcu;
  beforeAll(async () => {
    mcu = await startSimMcu();
  });
  afterAll(async () => {
    await mcu?.stop();
  });

  test('the hub’s probe finds it reachable, 200 OK', async () => {
    const result = await sipOptions(parseSipTarget(mcu.sipUri), { timeoutMs: 2000 });
    expect(result).toMatchObject({ ok: true, reachable: true, statusCode: 200 });
  });

  test('a response copies the dialog headers; another method is not implemented; noise is ignored', () => {
    const answer = sipAnswer(
      'INVITE sip:mcu SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKx\r\nCall-ID: abc@hnth\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n\r\n',
    )!;
    expect(answer.startsWith('SIP/2.0 501 Not Implemented\r\n')).toBe(true);
    expect(answer).toContain('Call-ID: abc@hnth');
    expect(answer).toContain('CSeq: 1 INVITE');
    expect(answer).not.toContain('Max-Forwards');
    expect(sipAnswer('hello')).toBeNull();
  });
});
