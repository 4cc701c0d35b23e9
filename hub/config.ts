/**
 * The hub's settings: each part's schema, kept beside its code, composed into one convict schema
 * with defaults and documentation. Values come from the defaults, then `--config file.json`, then
 * `HNTH_*` environment variables; shared/config-file.ts checks them and names every problem at once.
 */
import { ConfigError, loadSettings, type SettingsSources } from '../shared/config-file.js';
import type { Fleet } from '../shared/fleet.js';
import { loadFleet } from '../shared/fleet-file.js';
import type { CrossCheck, SettingsOf } from '../shared/settings.js';
import { httpSettings, metricsSettings } from './api/settings.js';
import { hubMqttSettings, mqttChecks } from './broker/settings.js';
import { remoteActionSettings } from './commands/settings.js';
import { contactSettings } from './contacts/settings.js';
import { incidentSettings } from './incidents/settings.js';
import { mcuSettings } from './mcu/settings.js';
import { notifySettings } from './notify/settings.js';
import { thresholdChecks, thresholdSettings } from './readiness-settings.js';
import { callLimitChecks, peripheralSettings, testCallSettings } from './schedule/call-settings.js';
import { scheduleSettings } from './schedule/settings.js';
import { HUB_ACCOUNT } from './security/mqtt-policy.js';
import { auditDir, auditDirProblem, auditSettings } from './security/settings.js';
import { storeSettings } from './store/settings.js';

export const hubSchema = {
  dataDir: {
    doc: 'Folder of the hub’s database (hnth.db).',
    format: String,
    default: './data',
    env: 'HNTH_DATA_DIR',
  },
  fleet: {
    file: {
      doc: 'JSON file listing the rooms this hub serves, [{no, id, name, nameEn?, kind, operatesNetwork?}] (shared/fleet-file.ts), for a fleet past the regulation’s 28; a broken file stops the hub. Empty: the 28 rooms of shared/fleet.ts.',
      format: String,
      default: '',
      env: 'HNTH_FLEET_FILE',
    },
  },
  portFallback: {
    doc: 'When a configured port is taken, listen on a free one and say which (the demo does this).',
    format: Boolean,
    default: false,
    env: 'HNTH_PORT_FALLBACK',
  },
  mqtt: hubMqttSettings,
  http: httpSettings,
  metrics: metricsSettings,
  audit: auditSettings,
  readinessCheckSec: {
    doc: 'How often readiness is recomputed without news, to notice rooms that went quiet.',
    format: 'nat',
    default: 5,
  },
  telemetrySampleSec: {
    doc: 'Live telemetry is kept for charts and reports once per this many seconds per room (periods of the agent’s clock). The same on every hub of a group, so each period’s sample is stored once.',
    format: 'nat',
    default: 60,
  },
  store: storeSettings,
  mcu: mcuSettings,
  thresholds: thresholdSettings,
  schedule: scheduleSettings,
  testCall: testCallSettings,
  remoteActions: remoteActionSettings,
  peripherals: peripheralSettings,
  incidents: incidentSettings,
  contacts: contactSettings,
  notify: notifySettings,
};

export type HubConfig = SettingsOf<typeof hubSchema>;

export type HubConfigSources = Omit<SettingsSources, 'args'>;

/** Rules that span the parts' keys; each part's own rules come with its schema. */
function hubChecks(configFile: string | undefined): CrossCheck<HubConfig>[] {
  return [
    ...mqttChecks,
    ...thresholdChecks,
    ...callLimitChecks,
    {
      keys: ['dataDir', 'audit.dir'],
      check: (c) => {
        const problem = auditDirProblem(auditDir(c.audit.dir, c.dataDir, configFile), c.dataDir);
        return problem ? [problem] : [];
      },
    },
    {
      keys: ['fleet.file', 'testCall.roomDialStrings', 'peripherals.rooms'],
      check: (c) => {
        const perRoom: [string, string[]][] = [
          ['testCall.roomDialStrings', Object.keys(c.testCall.roomDialStrings)],
          ['peripherals.rooms', Object.keys(c.peripherals.rooms)],
        ];
        if (perRoom.every(([, ids]) => ids.length === 0)) return [];
        let fleet: Fleet;
        try {
          fleet = hubFleet(c);
        } catch (err) {
          if (err instanceof ConfigError) return [`fleet.file: ${err.message}`];
          throw err;
        }
        return perRoom.flatMap(([key, ids]) =>
          ids.filter((id) => !fleet.has(id)).map((id) => `${key}: no room "${id}" in the fleet`),
        );
      },
    },
  ];
}

export function loadHubConfig(sources: HubConfigSources = {}): HubConfig {
  const config = loadSettings(hubSchema, sources, hubChecks(sources.file));
  config.audit.dir = auditDir(config.audit.dir, config.dataDir, sources.file);
  return config;
}

/** The rooms the configured hub serves; a broken fleet file is a ConfigError naming what is wrong. */
export function hubFleet(config: Pick<HubConfig, 'fleet'>): Fleet {
  return loadFleet(config.fleet.file, [HUB_ACCOUNT]);
}
