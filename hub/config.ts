/**
 * The hub's configuration: one convict schema with defaults and documentation. Values come from
 * the defaults, then `--config file.json`, then `HNTH_*` environment variables.
 */
import convict from 'convict';
import { ConfigError, loadConfigFile, validateStrict } from '../shared/config-file.js';
import { defaultThresholds, type Thresholds } from './readiness.js';

export const hubSchema = {
  dataDir: {
    doc: 'Folder of the hub’s database (hnth.db).',
    format: String,
    default: './data',
    env: 'HNTH_DATA_DIR',
  },
  portFallback: {
    doc: 'When a configured port is taken, listen on a free one and say which (the demo does this).',
    format: Boolean,
    default: false,
    env: 'HNTH_PORT_FALLBACK',
  },
  mqtt: {
    url: {
      doc: 'External broker (Mosquitto, EMQX); empty to run the embedded broker.',
      format: String,
      default: '',
      env: 'HNTH_MQTT_URL',
    },
    protocolVersion: {
      doc: 'MQTT protocol towards an external broker: 4 (3.1.1) or 5. The embedded broker speaks 4.',
      format: [4, 5],
      default: 4,
      env: 'HNTH_MQTT_PROTOCOL',
    },
    username: {
      doc: 'Username at an external broker.',
      format: String,
      default: '',
      env: 'HNTH_MQTT_USERNAME',
    },
    password: {
      doc: 'Password at an external broker.',
      format: String,
      default: '',
      sensitive: true,
      env: 'HNTH_MQTT_PASSWORD',
    },
    port: { doc: 'Port of the embedded broker.', format: 'port', default: 1883, env: 'HNTH_MQTT_PORT' },
    host: {
      doc: 'Address the embedded broker listens on; anything but loopback needs TLS (mqtt.tls) or mqtt.allowPlain.',
      format: String,
      default: '127.0.0.1',
      env: 'HNTH_MQTT_HOST',
    },
    tls: {
      certFile: {
        doc: 'PEM certificate (with its chain) of the embedded broker; rooms then connect with mqtts://.',
        format: String,
        default: '',
        env: 'HNTH_MQTT_TLS_CERT',
      },
      keyFile: {
        doc: 'PEM private key of that certificate.',
        format: String,
        default: '',
        env: 'HNTH_MQTT_TLS_KEY',
      },
      caFile: {
        doc: 'PEM certificate authority the hub trusts when it connects to an external broker over mqtts://.',
        format: String,
        default: '',
        env: 'HNTH_MQTT_CA_FILE',
      },
    },
    allowPlain: {
      doc: 'Let the embedded broker serve plain MQTT on a non-loopback address (a closed lab network only).',
      format: Boolean,
      default: false,
      env: 'HNTH_MQTT_ALLOW_PLAIN',
    },
    simInject: {
      doc: 'Open the simulator’s fault-injection topic (demo and tests only; never in production).',
      format: Boolean,
      default: false,
      env: 'HNTH_MQTT_SIM_INJECT',
    },
    maxPayloadBytes: {
      doc: 'Largest MQTT payload the embedded broker accepts; a client that sends more is disconnected.',
      format: 'nat',
      default: 65536,
    },
    floodPerSec: {
      doc: 'Messages per second a room may publish on the embedded broker, on average; beyond it the room is disconnected.',
      format: 'nat',
      default: 20,
    },
    floodBurst: {
      doc: 'Messages a room may publish at once before the rate limit applies (a replay after an outage).',
      format: 'nat',
      default: 200,
    },
  },
  http: {
    port: { doc: 'Port of the API and dashboard.', format: 'port', default: 8080, env: 'HNTH_HTTP_PORT' },
    trustProxy: {
      doc: 'Behind a reverse proxy that serves HTTPS: trust its X-Forwarded-* headers (client address for login limits, https for Secure cookies).',
      format: Boolean,
      default: false,
      env: 'HNTH_HTTP_TRUST_PROXY',
    },
    host: {
      doc: 'Address the API and dashboard listen on.',
      format: String,
      default: '0.0.0.0',
      env: 'HNTH_HTTP_HOST',
    },
  },
  readinessCheckSec: {
    doc: 'How often readiness is recomputed without news, to notice rooms that went quiet.',
    format: 'nat',
    default: 5,
  },
  thresholds: {
    doc: 'Readiness thresholds (see hub/readiness.ts for the meaning and sources of each).',
    format: Object,
    default: defaultThresholds as unknown as object,
  },
};

export interface HubConfig {
  dataDir: string;
  portFallback: boolean;
  mqtt: {
    url: string;
    protocolVersion: 4 | 5;
    username: string;
    password: string;
    port: number;
    host: string;
    tls: { certFile: string; keyFile: string; caFile: string };
    allowPlain: boolean;
    simInject: boolean;
    maxPayloadBytes: number;
    floodPerSec: number;
    floodBurst: number;
  };
  http: { port: number; host: string; trustProxy: boolean };
  readinessCheckSec: number;
  thresholds: Thresholds;
}

export interface HubConfigSources {
  env?: NodeJS.ProcessEnv;
  file?: string;
  /** Values that override everything else (the demo, tests). */
  overrides?: Record<string, unknown>;
}

export function loadHubConfig(sources: HubConfigSources = {}): HubConfig {
  const config = convict(hubSchema, { env: sources.env ?? process.env, args: [] });
  if (sources.file) loadConfigFile(config, sources.file);
  for (const [key, value] of Object.entries(sources.overrides ?? {})) config.set(key, value);
  validateStrict(config, sources.file ?? 'environment');
  const props = config.getProperties() as HubConfig;
  if (Boolean(props.mqtt.tls.certFile) !== Boolean(props.mqtt.tls.keyFile)) {
    throw new ConfigError(
      'invalid configuration: mqtt.tls.certFile and mqtt.tls.keyFile go together (HNTH_MQTT_TLS_CERT, HNTH_MQTT_TLS_KEY)',
    );
  }
  props.thresholds = { ...defaultThresholds, ...props.thresholds };
  return props;
}
