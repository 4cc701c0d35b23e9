import { describe, expect, test } from '@jest/globals';
import { lineFigures, parseLineTarget, parseSdpMedia } from '../../agent/probes/line-test.js';

describe('the line test’s pure parts', () => {
  test.each([
    ['sip:9999@10.0.0.5:5060', { user: '9999', host: '10.0.0.5', port: 5060 }],
    ['sip:echo@mcu.hnth.example', { user: 'echo', host: 'mcu.hnth.example', port: 5060 }],
    ['sip:9999@[fd00::5]:5070', { user: '9999', host: 'fd00::5', port: 5070 }],
  ])('%s is a test number', (uri, target) => {
    expect(parseLineTarget(uri)).toEqual(target);
  });

  test.each(['sip:10.0.0.5:5060', 'tel:9999', 'sip:9999@10.0.0.5:70000', 'sip:99 99@host'])(
    '%s is not',
    (uri) => {
      expect(() => parseLineTarget(uri)).toThrow(/test number|port/);
    },
  );

  test.each([
    [
      'sipp’s answer',
      'v=0\r\no=user1 53655765 2353687637 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n',
      { address: '10.0.0.5', port: 6000 },
    ],
    ['no audio stream', 'v=0\r\nc=IN IP4 10.0.0.5\r\nm=video 6002 RTP/AVP 96\r\n', null],
    ['the stream refused (port 0)', 'v=0\r\nc=IN IP4 10.0.0.5\r\nm=audio 0 RTP/AVP 0\r\n', null],
  ])('media from %s', (_name, sdp, media) => {
    expect(parseSdpMedia(sdp)).toEqual(media);
  });

  test.each([
    ['all echoed, steady', 5, [40, 40, 40, 40, 40], { received: 5, lossPct: 0, rttMs: 40, jitterMs: 0 }],
    ['one lost of four', 4, [40, 50, 40], { received: 3, lossPct: 25, rttMs: 43.33 }],
    ['none echoed', 10, [], { received: 0, lossPct: 100, rttMs: null, jitterMs: null }],
    ['nothing sent', 0, [], { received: 0, lossPct: null, rttMs: null, jitterMs: null }],
  ])('figures: %s', (_name, sent, roundTrips, figures) => {
    expect(lineFigures(sent, roundTrips)).toMatchObject({ sent, ...figures });
  });

  test('jitter follows RFC 3550: each change in round trip weighs a sixteenth', () => {
    // Alternating 40/60 ms: |D| = 20 each time, J → 20 · (1 − (15/16)^n).
    const alternating = Array.from({ length: 9 }, (_, i) => (i % 2 === 0 ? 40 : 60));
    expect(lineFigures(9, alternating).jitterMs).toBeCloseTo(20 * (1 - (15 / 16) ** 8), 2);
  });
});
