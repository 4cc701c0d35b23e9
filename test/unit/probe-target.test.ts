import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { loadAgentConfig } from '../../agent/config.js';
import { POLY_NO_STANDBY } from '../../agent/probes/codec-poly.js';
import { ProbeTargetError, probeTarget } from '../../agent/probes/probe-target.js';
import { roomProbes } from '../../agent/probes/room-probes.js';
import { ConfigError } from '../../shared/config-file.js';
import type { ProcessRunner } from '../../shared/probes/process-runner.js';
import { parseSipTarget } from '../../shared/probes/sip-options.js';
import { tempDir } from '../helpers/temp-dir.js';

const noRun: ProcessRunner = async () => ({ code: 0, stdout: '', stderr: '' });

describe('SIP targets', () => {
  test.each([
    ['sip:127.0.0.1:5060;transport=udp', { host: '127.0.0.1', port: 5060, transport: 'udp' }],
    ['sip:mcu.hnth.example;transport=TCP', { host: 'mcu.hnth.example', port: 5060, transport: 'tcp' }],
    ['sip:meet@10.0.0.5:5070', { host: '10.0.0.5', port: 5070, transport: 'udp' }],
    ['sip:[::1]:5060;transport=tcp', { host: '::1', port: 5060, transport: 'tcp' }],
  ])('%s', (uri, target) => {
    expect(parseSipTarget(uri)).toEqual(target);
  });

  test.each([
    ['sips:10.0.0.5', /is not a SIP target/],
    ['sip:10.0.0.5:70000', /port 70000 is not 1-65535/],
    ['sip:10.0.0.5;transport=tls', /transport tls is not supported; use udp or tcp/],
  ])('%s is refused, saying what to write', (uri, message) => {
    expect(() => parseSipTarget(uri)).toThrow(message);
  });
});

describe('probe targets of the command line', () => {
  test.each([
    'sip:127.0.0.1:5060;transport=udp',
    'xapi+http://user:pass@127.0.0.1:8080',
    'xapi+https://127.0.0.1',
    'poly+http://127.0.0.1:8081',
    'icmp:127.0.0.1',
    'tcp:127.0.0.1:5060',
    'http://127.0.0.1:8080/',
  ])('%s is accepted', (target) => {
    expect(typeof probeTarget(target, { timeoutMs: 100, run: noRun })).toBe('function');
  });

  test.each([
    ['tcp:127.0.0.1', /tcp target "127.0.0.1" must be host:port/],
    ['tcp:127.0.0.1:0', /port 1-65535/],
    ['icmp:', /names no host/],
    ['sip:10.0.0.5;transport=sctp', /transport sctp is not supported/],
    ['ssh://codec', /is not a probe target/],
  ])('%s is refused', (target, message) => {
    expect(() => probeTarget(target, { timeoutMs: 100, run: noRun })).toThrow(ProbeTargetError);
    expect(() => probeTarget(target, { timeoutMs: 100, run: noRun })).toThrow(message);
  });
});

describe('probes configuration', () => {
  const config = (env: Record<string, string>) =>
    loadAgentConfig({ env: { HNTH_ROOM_ID: 'ubnd-yen-son', ...env } });

  test('nothing configured: no codec or link probe, the parts read as unknown, and no standby, saying why', () => {
    expect(roomProbes(config({}).probes, () => {}, noRun)).toEqual({
      noStandby: 'this room has no codec probe (probes.codec.kind none)',
    });
  });

  test('a codec and the MCU configured give both probes, a codec API its calls, and a Cisco codec its standby for power control', () => {
    const c = config({
      HNTH_CODEC_KIND: 'xapi',
      HNTH_CODEC_URL: 'https://10.10.1.20',
      HNTH_LINK_MCU_HOST: '10.0.0.5',
    });
    const probes = roomProbes(c.probes, () => {}, noRun);
    expect(Object.keys(probes).sort()).toEqual(['api', 'codec', 'link', 'standby']);
    expect(probes.api?.kind).toBe('xapi');
    // A Poly codec has its API but no standby: its REST API has no sleep or wake (codec-poly.ts).
    const poly = roomProbes(
      config({ HNTH_CODEC_KIND: 'poly', HNTH_CODEC_URL: 'https://10.10.1.21' }).probes,
      () => {},
      noRun,
    );
    expect(Object.keys(poly).sort()).toEqual(['api', 'codec', 'noStandby']);
    expect(poly.noStandby).toBe(POLY_NO_STANDBY);
    const sip = roomProbes(
      config({ HNTH_CODEC_KIND: 'sip', HNTH_CODEC_URL: 'sip:10.10.1.22:5060' }).probes,
      () => {},
      noRun,
    );
    expect(Object.keys(sip).sort()).toEqual(['codec', 'noStandby']);
    expect(sip.noStandby).toBe('the sip codec probe only watches the codec; standby needs kind xapi');
  });

  test.each([
    [{ HNTH_CODEC_KIND: 'xapi' }, /probes\.codec\.url: required when probes\.codec\.kind is xapi/],
    [
      { HNTH_CODEC_KIND: 'poly', HNTH_CODEC_URL: '10.0.0.5' },
      /probes\.codec\.url: must be http\(s\):\/\/host/,
    ],
    [
      { HNTH_CODEC_KIND: 'sip', HNTH_CODEC_URL: 'sip:x;transport=tls' },
      /probes\.codec\.url: .*transport tls/,
    ],
    [{ HNTH_CODEC_KIND: 'tcp', HNTH_CODEC_URL: 'codec' }, /probes\.codec\.url: .*must be host:port/],
    [{ HNTH_LINK_MCU_HOST: '-f' }, /probes\.link\.mcuHost: "-f" is not a host/],
  ])('%j is refused when the configuration loads, naming the key', (env, message) => {
    expect(() => config(env)).toThrow(ConfigError);
    expect(() => config(env)).toThrow(message);
  });

  test('a baseline with a non-string value, or an unknown kind, fails loading with the key', () => {
    expect(() => loadAgentConfig({ env: { HNTH_ROOM_ID: 'ubnd-yen-son', HNTH_CODEC_KIND: 'zoom' } })).toThrow(
      /probes\.codec\.kind/,
    );
    const dir = tempDir();
    try {
      const file = path.join(dir.path, 'agent.json');
      const baseline = { 'Audio/DefaultVolume': 50 };
      writeFileSync(file, JSON.stringify({ roomId: 'ubnd-yen-son', probes: { codec: { baseline } } }));
      expect(() => loadAgentConfig({ file, env: {} })).toThrow(
        /probes\.codec\.baseline: value of "Audio\/DefaultVolume" must be a string/,
      );
    } finally {
      dir.remove();
    }
  });

  test('drift needs a vendor API, and k of n a window of at least k: both named in one error', () => {
    const dir = tempDir();
    try {
      const file = path.join(dir.path, 'agent.json');
      const probes = {
        codec: { kind: 'tcp', url: '10.0.0.5:443', baseline: { 'Audio/DefaultVolume': '50' } },
        link: { mcuHost: '10.0.0.5', raiseAfter: 6 },
      };
      writeFileSync(file, JSON.stringify({ roomId: 'ubnd-yen-son', probes }));
      expect(() => loadAgentConfig({ file, env: {} })).toThrow(
        /probes\.codec\.baseline: configuration drift needs kind xapi or poly, not tcp\n {2}probes\.link\.raiseAfter: must not exceed probes\.link\.window \(5\)/,
      );
    } finally {
      dir.remove();
    }
  });
});
