/**
 * Mains and UPS from a NUT server (`upsd`), local or on the room's network: `ups.status` (OL on
 * line, OB on battery, LB low battery, RB replace battery, FSD forced shutdown), `battery.charge`,
 * `battery.runtime`, `input.voltage`, `ups.load`. One connection is kept between reads; when upsd
 * goes away the read is a fault and the next read connects again.
 *
 * Real UPSes (the NUT devices dumps library, test/fixtures/real/nut) often lack `battery.charge`
 * or `battery.runtime` (apcsmart, bcmxcp, blazer) and sometimes report nonsense: a runtime of
 * 65535 (a 16-bit counter at its end), 0xFFFF × 60, 37 h, −60 s; a charge of 120, 255 or −143.2.
 * Such a value is unknown (null), never clamped into range: a clamped 255 % would read as full.
 *
 *   "ups": { "source": "nut", "nut": { "host": "127.0.0.1", "port": 3493, "ups": "ups",
 *            "username": "hnth", "password": "…" } }
 */
import type { UpsSensor } from '../adapters.js';
import { type NutAddress, NutClient, NutError } from './nut-client.js';

export interface UpsNutOptions extends NutAddress {
  ups: string;
  /** Empty for none; upsd lets anyone read variables unless its ACLs say otherwise. */
  username: string;
  password: string;
}

type UpsReading = Awaited<ReturnType<UpsSensor['read']>>;

const unknown: UpsReading = {
  mains: null,
  upsChargePct: null,
  upsRuntimeSec: null,
  upsLowBattery: null,
  upsForcedShutdown: null,
  inputVoltageV: null,
  upsLoadPct: null,
};

/**
 * 65535 s is a 16-bit counter at its end (APC usbhid), and everything past it (0xFFFF × 60, 37 h
 * from a driver multiplying twice) is a unit error: no meeting-room UPS runs 18 h on its battery.
 */
const MAX_RUNTIME_SEC = 65534;

/** The number, or null when it is missing, not a number, or outside [min, max]. */
function numberIn(text: string | undefined, min: number, max: number): number | null {
  if (text === undefined || text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) && n >= min && n <= max ? n : null;
}

/** The reading from a UPS's variables (pure: the table tests feed it `LIST VAR` answers). */
export function upsReading(vars: ReadonlyMap<string, string>): UpsReading {
  const status = (vars.get('ups.status') ?? '').split(/\s+/).filter(Boolean);
  if (status.length === 0 || status.includes('WAIT')) {
    return { ...unknown, fault: 'upsd has no status from its driver yet (WAIT)' };
  }
  const mains = status.includes('OL') ? true : status.includes('OB') ? false : null;
  const reading: UpsReading = {
    mains,
    upsChargePct: numberIn(vars.get('battery.charge'), 0, 100),
    upsRuntimeSec: numberIn(vars.get('battery.runtime'), 0, MAX_RUNTIME_SEC),
    upsLowBattery: status.includes('LB'),
    upsForcedShutdown: status.includes('FSD'),
    inputVoltageV: numberIn(vars.get('input.voltage'), 0, 1000),
    upsLoadPct: numberIn(vars.get('ups.load'), 0, 200),
  };
  return status.includes('RB')
    ? { ...reading, fault: 'the UPS asks for its battery to be replaced (RB)' }
    : reading;
}

/** What a technician reads for each way the server can fail. */
export function nutFault(err: unknown, options: UpsNutOptions): string {
  const where = `upsd at ${options.host}:${options.port}`;
  if (!(err instanceof NutError)) return `${where}: ${(err as Error).message}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `${where} refused the connection: is nut-server running?`;
    case 'UNKNOWN-UPS':
      return `${where} has no UPS "${options.ups}"; check sensors.ups.nut.ups against upsc -l`;
    case 'ACCESS-DENIED':
    case 'USERNAME-REQUIRED':
    case 'PASSWORD-REQUIRED':
      return `${where} refused access (${err.code}); check sensors.ups.nut.username/password and upsd.users`;
    case 'DATA-STALE':
    case 'DRIVER-NOT-CONNECTED':
      return `${where}: the UPS driver has lost the UPS (${err.code}); check its cable`;
    default:
      return err.message.startsWith(where) ? err.message : `${where}: ${err.message}`;
  }
}

export class UpsNutSensor implements UpsSensor {
  private client: NutClient | null = null;

  constructor(
    private readonly options: UpsNutOptions,
    private readonly connect: (address: NutAddress) => Promise<NutClient> = NutClient.connect,
  ) {}

  async read(): Promise<UpsReading> {
    const kept = this.client !== null;
    try {
      return await this.readOnce();
    } catch (err) {
      await this.drop();
      // A kept connection may have died with upsd (restart, reload): one fresh attempt tells.
      if (kept && err instanceof NutError && !err.fromUpsd) {
        return this.readOnce().catch(async (again: unknown) => {
          await this.drop();
          return { ...unknown, fault: nutFault(again, this.options) };
        });
      }
      return { ...unknown, fault: nutFault(err, this.options) };
    }
  }

  private async readOnce(): Promise<UpsReading> {
    const client = await this.session();
    return upsReading(await client.listVar(this.options.ups));
  }

  async close(): Promise<void> {
    await this.drop();
  }

  private async session(): Promise<NutClient> {
    if (this.client) return this.client;
    const client = await this.connect(this.options);
    try {
      if (this.options.username) await client.login(this.options.username, this.options.password);
    } catch (err) {
      await client.close();
      throw err;
    }
    this.client = client;
    return client;
  }

  private async drop(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.close().catch(() => {});
  }
}
