/** The room's probes (issue 3): the codec, its configuration, and the link to the MCU. */
import { parseSipTarget } from '../../shared/probes/sip-options.js';
import { type CrossCheck, isPlainObject, positive, type SettingsOf } from '../../shared/settings.js';
import { parseHostPort } from './probe-target.js';

const HOST = /^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$/;

/** A host to send round trips to, or empty for none; never something ping would read as an option. */
function hostOrEmpty(value: unknown): void {
  if (value !== '' && (typeof value !== 'string' || !HOST.test(value)))
    throw new Error(`${JSON.stringify(value)} is not a host name or address`);
}

function stringList(value: unknown): void {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw new Error('must be a list of strings');
}

function stringMap(value: unknown): void {
  if (!isPlainObject(value))
    throw new Error('must be an object of configuration keys to their approved values');
  const bad = Object.entries(value)
    .filter(([, v]) => typeof v !== 'string')
    .map(([k]) => `value of "${k}" must be a string`);
  if (bad.length > 0) throw new Error(bad.join('; '));
}

export const probeSettings = {
  codec: {
    kind: {
      doc: 'How the codec is watched: xapi (Cisco RoomOS), poly (G7500/Studio X), sip, tcp, http, or none.',
      format: ['none', 'xapi', 'poly', 'sip', 'tcp', 'http'] as const,
      default: 'none',
      env: 'HNTH_CODEC_KIND',
    },
    url: {
      doc: 'The codec: http(s)://host[:port] for xapi, poly and http; sip:host:port;transport=udp|tcp; host:port for tcp.',
      format: String,
      default: '',
      env: 'HNTH_CODEC_URL',
    },
    username: {
      doc: 'API user on the codec (xapi, poly).',
      format: String,
      default: '',
      env: 'HNTH_CODEC_USERNAME',
    },
    password: {
      doc: 'Password of that user.',
      format: String,
      default: '',
      sensitive: true,
      env: 'HNTH_CODEC_PASSWORD',
    },
    insecureTls: {
      doc: 'Accept the codec’s self-signed HTTPS certificate (what codecs ship with).',
      format: Boolean,
      default: false,
    },
    expectPeripherals: {
      doc: 'xapi: peripheral types that must be connected, e.g. ["Camera", "TouchPanel"].',
      format: stringList,
      default: [] as string[],
    },
    intervalSec: { doc: 'Seconds between two codec probes.', format: positive, default: 10 },
    timeoutMs: { doc: 'Longest wait for the codec’s answer.', format: positive, default: 3000 },
    bootDeadlineSec: {
      doc: 'How long the codec may take to answer (and register) after the room is switched on before it counts as not working; a rehearsal waits this long.',
      format: positive,
      default: 180,
      env: 'HNTH_CODEC_BOOT_DEADLINE',
    },
    baseline: {
      doc:
        'Art. 5.3: approved codec configuration values, key to value (xapi: "Audio/DefaultVolume"; poly: ' +
        '"comm.nics.sipnic.sipusername"). A difference raises config.drift. A baseline the hub’s operator ' +
        'approves replaces it (kept in the data folder).',
      format: stringMap,
      default: {} as Record<string, string>,
    },
    driftIntervalSec: {
      doc: 'Seconds between two configuration drift checks.',
      format: positive,
      default: 300,
    },
  },
  link: {
    mcuHost: {
      doc: 'The MCU’s address, for latency, jitter and loss; empty for no link probe.',
      format: hostOrEmpty,
      default: '',
      env: 'HNTH_LINK_MCU_HOST',
    },
    gatewayHost: {
      doc: 'The room’s gateway, watched the same way; empty for none.',
      format: hostOrEmpty,
      default: '',
    },
    method: {
      doc: 'icmp (ping), or tcp / sip round trips where ICMP is filtered.',
      format: ['icmp', 'tcp', 'sip'] as const,
      default: 'icmp',
    },
    port: { doc: 'Port for tcp and sip round trips.', format: 'port', default: 5060 },
    sipTransport: { doc: 'Transport of sip round trips.', format: ['udp', 'tcp'] as const, default: 'udp' },
    count: { doc: 'Round trips in one series.', format: positive, default: 5 },
    intervalSec: { doc: 'Seconds between two series.', format: positive, default: 30 },
    timeoutMs: { doc: 'Longest wait for one answer.', format: positive, default: 1000 },
    raiseAfter: {
      doc: 'k: series beyond a limit (of the last n) that raise it, or within it that clear it.',
      format: positive,
      default: 3,
    },
    window: { doc: 'n: how many recent series the hysteresis looks at.', format: positive, default: 5 },
  },
};

export type ProbesConfig = SettingsOf<typeof probeSettings>;

/** Why the codec's address does not suit its kind, or null. */
function codecUrlProblem(kind: ProbesConfig['codec']['kind'], url: string): string | null {
  if (kind === 'none') return null;
  if (!url) return `required when probes.codec.kind is ${kind}`;
  try {
    if (kind === 'sip') parseSipTarget(url);
    else if (kind === 'tcp') parseHostPort(url, 'codec');
    else if (!/^https?:\/\/[^/\s]+/.test(url))
      return `must be http(s)://host[:port] for kind ${kind}, got "${url}"`;
  } catch (err) {
    return (err as Error).message;
  }
  return null;
}

type WithProbes = { probes: ProbesConfig };

/** Rules across the probes' keys; room-probes.ts builds the adapters from settings that passed them. */
export const probeChecks: CrossCheck<WithProbes>[] = [
  {
    keys: ['probes.codec.kind', 'probes.codec.url'],
    check: ({ probes: { codec } }) => {
      const problem = codecUrlProblem(codec.kind, codec.url);
      return problem ? [`probes.codec.url: ${problem}`] : [];
    },
  },
  {
    keys: ['probes.codec.kind', 'probes.codec.baseline'],
    check: ({ probes: { codec } }) =>
      codec.kind !== 'xapi' && codec.kind !== 'poly' && Object.keys(codec.baseline).length > 0
        ? [`probes.codec.baseline: configuration drift needs kind xapi or poly, not ${codec.kind}`]
        : [],
  },
  {
    keys: ['probes.link.raiseAfter', 'probes.link.window'],
    check: ({ probes: { link } }) =>
      link.raiseAfter > link.window
        ? [`probes.link.raiseAfter: must not exceed probes.link.window (${link.window})`]
        : [],
  },
];
