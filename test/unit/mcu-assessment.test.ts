import { expect, test } from '@jest/globals';
import { mcuAssessment } from '../../hub/mcu/mcu-monitor.js';
import { defaultThresholds } from '../../hub/readiness.js';
import type { SipResult } from '../../shared/probes/sip-options.js';

const sipOk: SipResult = { ok: true, reachable: true, rttMs: 3, statusCode: 200, detail: '200 OK' };
const sip503: SipResult = {
  ok: false,
  reachable: true,
  rttMs: 3,
  statusCode: 503,
  detail: '503 Service Unavailable',
};
const sipNone: SipResult = {
  ok: false,
  reachable: false,
  rttMs: null,
  statusCode: null,
  detail: 'no SIP answer',
};
const ping = (lossPct: number | null, latencyMs: number | null = 10, jitterMs: number | null = 1) => ({
  stats: { lossPct, latencyMs, jitterMs },
  detail: 'ping detail',
});

test.each([
  ['all well', sipOk, ping(0), 'READY', []],
  ['SIP only, answering', sipOk, null, 'READY', []],
  ['SIP refusing', sip503, ping(0), 'NOT_READY', ['MCU answers SIP 503 Service Unavailable']],
  ['SIP silent', sipNone, null, 'NOT_READY', ['MCU not answering SIP: no SIP answer']],
  ['loss 2 %', sipOk, ping(2), 'DEGRADED', ['loss 2 % to MCU']],
  ['loss 8 %', sipOk, ping(8), 'NOT_READY', ['loss 8 % to MCU']],
  ['no echo back', null, ping(100, null, null), 'NOT_READY', ['MCU not answering ping: ping detail']],
  [
    'latency 200 ms, jitter 40 ms',
    sipOk,
    ping(0, 200, 40),
    'DEGRADED',
    ['latency 200 ms to MCU', 'jitter 40 ms to MCU'],
  ],
  ['ping could not run', sipOk, ping(null, null, null), 'DEGRADED', ['MCU link not measured: ping detail']],
] as const)('%s', (_name, sip, p, level, reasons) => {
  expect(mcuAssessment(sip, p, defaultThresholds)).toEqual({ level, reasons });
});
