/**
 * `hnth-agent doctor`: the checklist a technician runs on a new controller. Each configured
 * adapter is read once, the broker is asked to accept the room's credentials, the clock and the
 * data folder are checked; every line says ✓ or ✗, the reason, and what to do.
 *
 *   hnth-agent doctor [--config F] [--simulate] [--json]
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from 'mqtt';
import { ConfigError } from '../shared/config-file.js';
import type { Readings } from '../shared/schemas.js';
import type { ClimateSensor, UpsSensor } from './adapters.js';
import { type AgentConfig, loadAgentConfig } from './config.js';
import { CONNECT_TIMEOUT_MS, roomConnectOptions } from './link/mqtt-options.js';
import { upsProtectionConfig } from './power/compose-power.js';
import { supportedTriggers, upsTriggers } from './power/ups-protection.js';
import {
  climateFromConfig,
  hostFromConfig,
  realPorts,
  type SensorPorts,
  upsFromConfig,
} from './sensors/room-sensors.js';
import { seedFromString } from './sim/seeded-random.js';
import { SimHardware } from './sim/sim-hardware.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface DoctorDeps {
  ports?: SensorPorts;
  /** Connects to the broker with the room's credentials and disconnects; rejects with the reason. */
  tryBroker?: (config: AgentConfig) => Promise<void>;
}

/**
 * Connects exactly as the agent does (roomConnectOptions: the room id as client id, its account,
 * its CA) and disconnects. The session is the room's own: what the broker kept for the agent
 * (commands sent while it was away) is left unacknowledged, so the broker delivers it to the agent
 * again. A running agent is pushed off for the moment and reconnects by itself.
 */
async function tryBroker(config: AgentConfig): Promise<void> {
  const client = connect(config.mqtt.url, roomConnectOptions(config.mqtt, config.roomId));
  client.handleMessage = () => {};
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
      client.once('close', () => reject(new Error('connection closed by the broker')));
    });
  } finally {
    await client.endAsync(!client.connected);
  }
}

const TLS_TRUST = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** What a failed connection means for the technician. */
export function brokerAdvice(url: string, err: unknown): string {
  const e = err as { code?: string | number; message?: string };
  const text = e.message ?? String(err);
  if (
    e.code === 4 ||
    e.code === 5 ||
    e.code === 134 ||
    e.code === 135 ||
    /not authori[sz]ed|bad user/i.test(text)
  ) {
    return `${url} refused the credentials (${text}); check mqtt.username and mqtt.password with the operator`;
  }
  if (e.code === 2 || /identifier rejected/i.test(text)) {
    return `${url} refused the client id (${text}); a room connects as its own id: check roomId and mqtt.username`;
  }
  if (typeof e.code === 'string' && TLS_TRUST.has(e.code)) {
    return `${url}: the broker's certificate is not signed by a CA this controller trusts (${e.code}); set mqtt.caFile (HNTH_MQTT_CA_FILE) to the department's CA`;
  }
  if (e.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `${url}: the broker's certificate does not name this host (${text}); use the host name the certificate was issued for in mqtt.url`;
  }
  if (e.code === 'CERT_HAS_EXPIRED')
    return `${url}: the broker's certificate has expired; ask the operator to renew it`;
  if (e.code === 'ECONNREFUSED') return `nothing listens at ${url}; is the hub running, is the port open?`;
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN')
    return `cannot resolve the host of ${url}; check mqtt.url and DNS`;
  if (/timeout/i.test(text))
    return `no answer from ${url} within ${CONNECT_TIMEOUT_MS / 1000} s; check the line and firewall`;
  return `${url}: ${text}`;
}

function upsDetail(r: Omit<Readings['power'], 'state'>): string {
  const parts = [
    r.mains === true ? 'mains present' : r.mains === false ? 'ON BATTERY (mains lost)' : 'mains unknown',
  ];
  if (r.upsChargePct != null) parts.push(`UPS ${r.upsChargePct} %`);
  if (r.upsRuntimeSec != null) parts.push(`runtime ${Math.round(r.upsRuntimeSec / 60)} min`);
  if (r.upsLowBattery) parts.push('battery LOW');
  if (r.inputVoltageV != null) parts.push(`input ${r.inputVoltageV} V`);
  return parts.join(', ');
}

/**
 * Which of the shutdown triggers (ups-protection.ts) this UPS can drive, from one reading: a UPS
 * that reports no charge or runtime still protects the controller through its low-battery flag
 * and the time on battery, and the technician should know which it is.
 */
export function upsProtectionCheck(r: Omit<Readings['power'], 'state'>, config: AgentConfig): Check {
  const supported = supportedTriggers(r, upsProtectionConfig(config));
  const yes = upsTriggers.filter((t) => supported[t]);
  // What the UPS does not report; the time on battery is the agent's own count, set or not.
  const missing = upsTriggers.filter((t) => t !== 'time-on-battery' && !supported[t]);
  const parts = [`shuts down on ${yes.join(', ')}`];
  if (missing.length > 0) parts.push(`this UPS reports no ${missing.join(', ')}`);
  if (!supported['time-on-battery']) parts.push('no limit on the time on battery (power.upsMaxOnBatterySec)');
  return yes.length > 0
    ? { name: 'ups protection', ok: true, detail: parts.join('; ') }
    : {
        name: 'ups protection',
        ok: false,
        detail:
          'nothing would shut the controller down: the UPS reports neither low battery, charge nor runtime; set power.upsMaxOnBatterySec',
      };
}

async function upsChecks(ups: UpsSensor | undefined, config: AgentConfig): Promise<Check[]> {
  if (!ups) return [{ name: 'ups', ok: true, detail: 'not configured (sensors.ups.source is none)' }];
  try {
    const r = await ups.read();
    if (r.fault) return [{ name: 'ups', ok: false, detail: r.fault }];
    if (r.mains === null)
      return [{ name: 'ups', ok: false, detail: 'mains state unknown; check the UPS wiring' }];
    return [{ name: 'ups', ok: true, detail: upsDetail(r) }, upsProtectionCheck(r, config)];
  } finally {
    await ups.close?.();
  }
}

async function climateCheck(climate: ClimateSensor | undefined): Promise<Check> {
  if (!climate)
    return { name: 'climate', ok: true, detail: 'not configured (sensors.climate.source is none)' };
  const [r, device] = await Promise.all([climate.read(), climate.describe?.()]);
  if (r.fault)
    return { name: 'climate', ok: false, detail: `${r.fault}; check the sensor's wiring and overlay` };
  const humidity = r.humidityPct === null ? '' : `, ${r.humidityPct} % RH`;
  const from = device ? ` from ${device}` : '';
  return { name: 'climate', ok: true, detail: `${r.tempC} °C${humidity}${from}` };
}

async function dataDirCheck(dir: string): Promise<Check> {
  const probe = path.join(dir, `.doctor-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, 'ok');
    await rm(probe);
    return { name: 'data folder', ok: true, detail: `${path.resolve(dir)} is writable` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return {
      name: 'data folder',
      ok: false,
      detail: `cannot write ${path.resolve(dir)} (${code}); create it and give it to the agent's user (dataDir)`,
    };
  }
}

async function brokerCheck(config: AgentConfig, connect: (c: AgentConfig) => Promise<void>): Promise<Check> {
  try {
    await connect(config);
    const who = config.mqtt.username ? ` as ${config.mqtt.username}` : ' (no credentials)';
    const ca = config.mqtt.caFile ? `, trusting ${config.mqtt.caFile}` : '';
    return { name: 'broker', ok: true, detail: `${config.mqtt.url} accepted the connection${who}${ca}` };
  } catch (err) {
    return { name: 'broker', ok: false, detail: brokerAdvice(config.mqtt.url, err) };
  }
}

/** Every check, in the order a technician works through them. */
export async function runDoctor(config: AgentConfig, deps: DoctorDeps = {}): Promise<Check[]> {
  const checks: Check[] = [];
  if (config.simulate) {
    const sim = new SimHardware(config.simSeed || seedFromString(config.roomId));
    const r = await sim.read();
    checks.push({ name: 'ups', ok: true, detail: `simulated: ${upsDetail(r.power)}` });
    checks.push(upsProtectionCheck(r.power, config));
    checks.push({
      name: 'climate',
      ok: true,
      detail: `simulated: ${r.climate.tempC} °C, ${r.climate.humidityPct} % RH`,
    });
    checks.push(await dataDirCheck(config.dataDir));
    checks.push({ name: 'clock', ok: true, detail: 'simulated: synchronised' });
  } else {
    const ports = deps.ports ?? realPorts(config.sensors);
    checks.push(...(await upsChecks(upsFromConfig(config.sensors, ports), config)));
    checks.push(await climateCheck(climateFromConfig(config.sensors, ports)));
    // Before the host: its free space is measured in the data folder, which this creates.
    checks.push(await dataDirCheck(config.dataDir));
    const host = hostFromConfig(config, ports);
    if (host) {
      const [h, clock] = await Promise.all([host.read(), host.clock()]);
      const underVoltage = h.throttled?.underVoltage === true;
      checks.push({
        name: 'host',
        ok: !underVoltage,
        detail: underVoltage
          ? 'under-voltage now; use the board maker’s power supply and a short cable'
          : `cpu ${h.cpuTempC ?? '?'} °C, load ${h.load1}, memory ${h.memUsedPct ?? '?'} %, ${h.diskFreeMb ?? '?'} MB free`,
      });
      checks.push(
        clock.synced === true
          ? { name: 'clock', ok: true, detail: `synchronised (${clock.detail})` }
          : clock.synced === false
            ? {
                name: 'clock',
                ok: false,
                detail: `not synchronised (${clock.detail}); check that NTP is reachable`,
              }
            : {
                name: 'clock',
                ok: false,
                detail: `cannot tell whether the clock is synchronised (${clock.detail}); install systemd-timesyncd or chrony`,
              },
      );
    }
  }
  checks.push(await brokerCheck(config, deps.tryBroker ?? tryBroker));
  return checks;
}

export function formatChecks(checks: readonly Check[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name.padEnd(width)}  ${c.detail}`);
  const failed = checks.filter((c) => !c.ok).length;
  lines.push(
    failed === 0 ? `all ${checks.length} checks passed` : `${failed} of ${checks.length} checks failed`,
  );
  return `${lines.join('\n')}\n`;
}

/** The `doctor` subcommand; returns the exit status: 0 all passed, 1 a check failed, 2 bad config. */
export async function doctorCommand(argv: string[], out: (text: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      simulate: { type: 'boolean' },
      room: { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: false,
  });
  const print = (checks: Check[]) =>
    out(values.json ? `${JSON.stringify({ checks })}\n` : formatChecks(checks));
  let config: AgentConfig;
  try {
    const args = [
      ...(values.simulate ? ['--simulate'] : []),
      ...(values.room ? ['--room', values.room] : []),
    ];
    config = loadAgentConfig({ file: values.config, args });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    print([{ name: 'config', ok: false, detail: err.message }]);
    return 2;
  }
  const source = values.config ? `loaded ${values.config}` : 'defaults and environment';
  const checks = [{ name: 'config', ok: true, detail: source }, ...(await runDoctor(config))];
  print(checks);
  return checks.every((c) => c.ok) ? 0 : 1;
}
