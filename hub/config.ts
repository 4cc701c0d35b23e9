/**
 * The hub's configuration: one convict schema with defaults and documentation. Values come from
 * the defaults, then `--config file.json`, then `HNTH_*` environment variables.
 */
import convict from 'convict';
import { loadConfigFile, validateStrict } from '../shared/config-file.js';
import { defaultRulesConfig, type RulesConfig } from './incidents/incident-rules.js';
import type { WebhookTarget } from './notify/notify-routing.js';
import { defaultThresholds, type Thresholds } from './readiness.js';

const severityNames = ['info', 'warning', 'critical'];
convict.addFormat({
  name: 'hh-mm-or-empty',
  validate(value: unknown) {
    if (value !== '' && (typeof value !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(value))) {
      throw new Error('must be a local time HH:mm (22:00) or empty');
    }
  },
});
convict.addFormat({
  name: 'webhook-list',
  validate(value: unknown) {
    if (!Array.isArray(value)) throw new Error('must be a list of {url, minSeverity}');
    value.forEach((w: { url?: unknown; minSeverity?: unknown }, i) => {
      if (typeof w?.url !== 'string' || !/^https?:\/\/\S+$/.test(w.url)) {
        throw new Error(`[${i}].url must be an http(s) URL`);
      }
      if (!severityNames.includes(String(w.minSeverity))) {
        throw new Error(`[${i}].minSeverity must be one of ${severityNames.join(', ')}`);
      }
    });
  },
});
convict.addFormat({
  name: 'email-list',
  validate(value: unknown) {
    if (!Array.isArray(value)) throw new Error('must be a list of email addresses');
    for (const v of value) {
      if (typeof v !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v))
        throw new Error(`"${v}" is not an email address`);
    }
  },
  coerce: (v: string) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
});

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
      doc: 'Address the embedded broker listens on.',
      format: String,
      default: '0.0.0.0',
      env: 'HNTH_MQTT_HOST',
    },
  },
  http: {
    port: { doc: 'Port of the API and dashboard.', format: 'port', default: 8080, env: 'HNTH_HTTP_PORT' },
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
  incidents: {
    raiseAfterSec: {
      doc: 'A fault must last this long before an incident opens (a flapping signal opens one, not twenty).',
      format: 'nat',
      default: defaultRulesConfig.raiseAfterSec,
    },
    clearAfterSec: {
      doc: 'A fault must be gone this long before its incident closes.',
      format: 'nat',
      default: defaultRulesConfig.clearAfterSec,
    },
    networkOfflineFraction: {
      doc: 'This share of the rooms offline at once is one network incident (uplink, MCU), not one per room.',
      format: (v: unknown) => {
        if (typeof v !== 'number' || !(v > 0 && v <= 1))
          throw new Error('must be a number above 0 and at most 1');
      },
      default: defaultRulesConfig.networkOfflineFraction,
    },
    startupGraceSec: {
      doc: 'After the hub starts, a room not heard from yet counts as offline only after this long.',
      format: 'nat',
      default: 120,
    },
    checkSec: {
      doc: 'How often the incident rules run without news, so waits end on time.',
      format: 'nat',
      default: 5,
    },
  },
  contacts: {
    staleAfterDays: {
      doc: 'A contact not confirmed for this many days is flagged stale (art. 4.3).',
      format: 'nat',
      default: 180,
      env: 'HNTH_CONTACTS_STALE_AFTER_DAYS',
    },
  },
  notify: {
    operatorEmails: {
      doc: 'Addresses of the operator (Sở TT&TT) that hear of every incident; comma-separated in the variable.',
      format: 'email-list',
      default: [] as string[],
      env: 'HNTH_NOTIFY_OPERATOR_EMAILS',
    },
    minSeverity: {
      doc: 'Least severity that is emailed: info, warning or critical.',
      format: severityNames,
      default: 'warning',
    },
    quietHoursStart: {
      doc: 'Start of quiet hours (HH:mm, Asia/Ho_Chi_Minh); only critical incidents are sent then. Empty: none.',
      format: 'hh-mm-or-empty',
      default: '',
    },
    quietHoursEnd: {
      doc: 'End of quiet hours (HH:mm, Asia/Ho_Chi_Minh).',
      format: 'hh-mm-or-empty',
      default: '',
    },
    smtp: {
      host: {
        doc: 'SMTP relay for email; empty to send none (they are logged as skipped).',
        format: String,
        default: '',
        env: 'HNTH_SMTP_HOST',
      },
      port: { doc: 'Port of the SMTP relay.', format: 'port', default: 587, env: 'HNTH_SMTP_PORT' },
      secure: {
        doc: 'TLS from the start (port 465); false uses STARTTLS when the relay offers it.',
        format: Boolean,
        default: false,
        env: 'HNTH_SMTP_SECURE',
      },
      user: { doc: 'SMTP username; empty for none.', format: String, default: '', env: 'HNTH_SMTP_USER' },
      password: {
        doc: 'SMTP password.',
        format: String,
        default: '',
        sensitive: true,
        env: 'HNTH_SMTP_PASSWORD',
      },
      from: {
        doc: 'Sender of the hub’s email.',
        format: String,
        default: 'hnth@localhost',
        env: 'HNTH_SMTP_FROM',
      },
    },
    webhooks: {
      doc: 'Webhooks that receive incidents as JSON: [{"url": "https://…", "minSeverity": "warning"}].',
      format: 'webhook-list',
      default: [] as WebhookTarget[],
    },
    webhookAttempts: { doc: 'Attempts per webhook delivery.', format: 'nat', default: 4 },
    webhookBackoffMs: {
      doc: 'Wait before the second webhook attempt; doubled after each failure.',
      format: 'nat',
      default: 2000,
    },
    webhookTimeoutMs: { doc: 'Timeout of one webhook attempt.', format: 'nat', default: 5000 },
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
  };
  http: { port: number; host: string };
  readinessCheckSec: number;
  thresholds: Thresholds;
  incidents: RulesConfig & { checkSec: number; startupGraceSec: number };
  contacts: { staleAfterDays: number };
  notify: {
    operatorEmails: string[];
    minSeverity: 'info' | 'warning' | 'critical';
    quietHoursStart: string;
    quietHoursEnd: string;
    smtp: { host: string; port: number; secure: boolean; user: string; password: string; from: string };
    webhooks: WebhookTarget[];
    webhookAttempts: number;
    webhookBackoffMs: number;
    webhookTimeoutMs: number;
  };
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
  props.thresholds = { ...defaultThresholds, ...props.thresholds };
  return props;
}
