/**
 * The room's codec and link probes as the configuration names them (`probes` in agent/config.ts),
 * each on its own schedule with a timeout: a slow codec never holds the telemetry longer than its
 * timeout, and a probe is never run twice at once.
 */
import { httpReach } from '../../shared/probes/http-reach.js';
import { type LinkMethod, linkSeries } from '../../shared/probes/link-series.js';
import type { ProcessRunner } from '../../shared/probes/process-runner.js';
import { ScheduledProbe } from '../../shared/probes/scheduled-probe.js';
import { parseSipTarget, sipOptions } from '../../shared/probes/sip-options.js';
import { tcpConnect } from '../../shared/probes/tcp-connect.js';
import type { Readings } from '../../shared/schemas.js';
import type { CodecProbe, LinkProbe } from '../adapters.js';
import type { TestCallCodec } from '../call/test-call-codec.js';
import type { EdgeEvent } from '../edges.js';
import type { CodecStandby } from '../power/codec-standby-output.js';
import type { CodecRestart } from '../remote/remote-commands.js';
import { GenericCodec } from './codec-generic.js';
import { POLY_NO_STANDBY, PolyCodec } from './codec-poly.js';
import { XapiCodec } from './codec-xapi.js';
import { ConfigDriftWatch, type ConfigSource } from './config-drift.js';
import { defaultLinkRules, LinkQualityMonitor, type LinkTarget } from './link-quality.js';
import type { PeripheralSource } from './peripheral-source.js';
import { PolyCall } from './poly-call.js';
import { PolyPeripherals } from './poly-peripherals.js';
import { parseHostPort } from './probe-target.js';
import type { ProbesConfig } from './settings.js';
import { watchedConfigKeys } from './watched-config.js';
import { XapiCall } from './xapi-call.js';
import { XapiPeripherals } from './xapi-peripherals.js';

type CodecConfig = ProbesConfig['codec'];
type CodecKind = Exclude<CodecConfig['kind'], 'none'>;

function codecAdapter(c: CodecConfig & { kind: CodecKind }): {
  probe: CodecProbe;
  /** The vendor API, for xapi and poly. */
  vendor?: XapiCodec | PolyCodec;
} {
  const auth = {
    username: c.username,
    password: c.password,
    timeoutMs: c.timeoutMs,
    insecureTls: c.insecureTls,
  };
  switch (c.kind) {
    case 'xapi': {
      const codec = new XapiCodec({ url: c.url, ...auth, expectPeripherals: c.expectPeripherals });
      return { probe: codec, vendor: codec };
    }
    case 'poly': {
      const codec = new PolyCodec({ url: c.url, ...auth });
      return { probe: codec, vendor: codec };
    }
    case 'http': {
      const url = c.url;
      return {
        probe: new GenericCodec(() => httpReach({ url, timeoutMs: c.timeoutMs, insecureTls: c.insecureTls })),
      };
    }
    case 'sip': {
      const target = parseSipTarget(c.url);
      return { probe: new GenericCodec(() => sipOptions(target, { timeoutMs: c.timeoutMs })) };
    }
    case 'tcp': {
      const { host, port } = parseHostPort(c.url, 'codec');
      return { probe: new GenericCodec(() => tcpConnect({ host, port, timeoutMs: c.timeoutMs })) };
    }
  }
}

/** The codec read on its schedule, and its configuration checked for drift on another. */
class ScheduledCodec implements CodecProbe {
  constructor(
    private readonly codec: ScheduledProbe<Readings['codec']>,
    private readonly drift: ScheduledProbe<unknown> | null,
  ) {}

  async read(): Promise<Readings['codec']> {
    const [reading] = await Promise.all([this.codec.read(), this.drift?.read()]);
    return reading;
  }
}

function scheduledCodec(
  c: CodecConfig & { kind: CodecKind },
  probe: CodecProbe,
  watch: ConfigDriftWatch | null,
): CodecProbe {
  // The vendor adapters make a few requests, each with timeoutMs: allow them a little more in all.
  const timeoutMs = c.timeoutMs + 500;
  const codec = new ScheduledProbe(
    () => probe.read(),
    (why) => ({ state: 'unreachable' as const, inCall: false, detail: why }),
    { intervalMs: c.intervalSec * 1000, timeoutMs },
  );
  const drift = watch
    ? new ScheduledProbe(
        () => watch.check(),
        () => null,
        { intervalMs: c.driftIntervalSec * 1000, timeoutMs },
      )
    : null;
  return new ScheduledCodec(codec, drift);
}

function linkMethod(l: ProbesConfig['link'], host: string): LinkMethod {
  if (l.method === 'icmp') return { kind: 'icmp', host };
  if (l.method === 'tcp') return { kind: 'tcp', host, port: l.port };
  return { kind: 'sip', target: { host, port: l.port, transport: l.sipTransport } };
}

function linkMonitor(
  l: ProbesConfig['link'],
  emit: (event: EdgeEvent) => void,
  run: ProcessRunner,
): LinkProbe {
  const hosts: [string, string][] = [['mcu', l.mcuHost]];
  if (l.gatewayHost) hosts.push(['gateway', l.gatewayHost]);
  const targets: LinkTarget[] = hosts.map(([name, host]) => {
    const method = linkMethod(l, host);
    return { name, series: () => linkSeries(method, { count: l.count, timeoutMs: l.timeoutMs }, run) };
  });
  // A series of count answers, each up to timeoutMs, plus the time to start ping.
  const timeoutMs = l.count * (l.timeoutMs + 200) + 2000;
  return new LinkQualityMonitor(
    targets,
    {
      rules: defaultLinkRules,
      window: { k: l.raiseAfter, n: l.window },
      intervalMs: l.intervalSec * 1000,
      timeoutMs,
    },
    emit,
  );
}

/**
 * What a codec API (xAPI, Poly REST) offers beyond its health: the rehearsal's test call and
 * peripherals, the configuration it is watched for (art. 5.3), its restart.
 */
export interface CodecApi {
  kind: 'xapi' | 'poly';
  testCall: TestCallCodec;
  peripherals: PeripheralSource;
  config: ConfigSource;
  restart: CodecRestart;
  /** The configuration drift watch, checked on its own schedule. */
  drift: ConfigDriftWatch;
  /** The keys read when the operator approves the room's current configuration. */
  watchedKeys: readonly string[];
}

/** The codec and link adapters the configuration asks for (checked when loaded: ./settings.ts). */
export interface RoomProbes {
  codec?: CodecProbe;
  link?: LinkProbe;
  /** The codec's standby, when its API has one. */
  standby?: CodecStandby;
  /** Why the codec cannot be put in standby or woken, when it cannot (said to the operator). */
  noStandby?: string;
  /** The codec's API, for xapi and poly. */
  api?: CodecApi;
}

function restartOf(vendor: XapiCodec | PolyCodec): CodecRestart {
  return {
    restart: async () => {
      const r = await vendor.restart();
      return r.ok ? r : { ok: false, detail: r.detail };
    },
  };
}

function codecApi(
  vendor: XapiCodec | PolyCodec,
  baseline: Record<string, string>,
  emit: (event: EdgeEvent) => void,
): CodecApi {
  const drift = new ConfigDriftWatch(vendor, baseline, emit);
  if (vendor instanceof XapiCodec)
    return {
      kind: 'xapi',
      testCall: new XapiCall(vendor),
      peripherals: new XapiPeripherals(vendor),
      config: vendor,
      restart: restartOf(vendor),
      drift,
      watchedKeys: watchedConfigKeys.xapi,
    };
  return {
    kind: 'poly',
    testCall: new PolyCall(vendor),
    peripherals: new PolyPeripherals(vendor),
    config: vendor,
    restart: restartOf(vendor),
    drift,
    watchedKeys: watchedConfigKeys.poly,
  };
}

/**
 * `baseline`: the approved configuration to watch (the hub's, kept on disk, else the configuration
 * file's `probes.codec.baseline`).
 */
export function roomProbes(
  probes: ProbesConfig,
  emit: (event: EdgeEvent) => void,
  run: ProcessRunner,
  baseline: Record<string, string> = probes.codec.baseline,
): RoomProbes {
  const result: RoomProbes = {};
  const codec = probes.codec;
  if (codec.kind === 'none') result.noStandby = 'this room has no codec probe (probes.codec.kind none)';
  else {
    const c = { ...codec, kind: codec.kind };
    const adapter = codecAdapter(c);
    const vendor = adapter.vendor;
    if (vendor) result.api = codecApi(vendor, baseline, emit);
    result.codec = scheduledCodec(c, adapter.probe, result.api?.drift ?? null);
    // Cisco codecs take Standby Activate/Deactivate: power control's codec output (art. 6.3).
    if (vendor instanceof XapiCodec) {
      result.standby = {
        standby: async (on) => {
          const r = await vendor.standby(on);
          if (!r.ok) throw new Error(r.detail);
        },
      };
    } else
      result.noStandby =
        vendor instanceof PolyCodec
          ? POLY_NO_STANDBY
          : `the ${c.kind} codec probe only watches the codec; standby needs kind xapi`;
  }
  if (probes.link.mcuHost) result.link = linkMonitor(probes.link, emit, run);
  return result;
}
