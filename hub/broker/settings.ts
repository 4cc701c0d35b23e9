/** The hub's MQTT settings: the embedded broker, or the link to an external one (Mosquitto, EMQX). */
import { existingFileOrEmpty } from '../../shared/config-file.js';
import { type CrossCheck, positive, type SettingsOf } from '../../shared/settings.js';
import { isValidHubIdSyntax, isValidShareGroup } from '../../shared/topics.js';
import { HUB_ACCOUNT, isHubAccount } from '../security/mqtt-policy.js';

export const hubMqttSettings = {
  url: {
    doc: 'External broker (Mosquitto, EMQX); empty to run the embedded broker.',
    format: String,
    default: '',
    env: 'HNTH_MQTT_URL',
  },
  protocolVersion: {
    doc: 'MQTT protocol towards an external broker: 4 (3.1.1) or 5. The embedded broker speaks 4.',
    format: [4, 5] as const,
    default: 4,
    env: 'HNTH_MQTT_PROTOCOL',
  },
  clientId: {
    doc: 'The hub’s MQTT client id, also its id in its status topic (hnth/v1/hub/<clientId>/status); its session is persistent, so each hub instance needs its own.',
    format: (value: unknown) => {
      if (!isValidHubIdSyntax(String(value)))
        throw new Error('must be 1 to 64 letters, digits, ., - and _ (e.g. hnth-hub-a)');
    },
    default: 'hnth-hub',
    env: 'HNTH_MQTT_CLIENT_ID',
  },
  keepaliveSec: {
    doc: 'Seconds between the hub’s pings to the broker. The broker takes a hub that stays silent for 1.5 times this as gone: it publishes the hub’s offline status and hands the shared group’s messages to the other hubs. Longer: fewer pings; shorter: a dead hub machine is noticed sooner.',
    format: 'nat',
    default: 10,
    env: 'HNTH_MQTT_KEEPALIVE_SEC',
  },
  sharedGroup: {
    doc: 'MQTT 5 shared subscription group ($share/<group>/…) for the rooms’ events, so several hub instances on one external broker split them and each is stored once; every instance still gets all the telemetry (its samples stored once), every status and reply. Empty: plain subscriptions.',
    format: (value: unknown) => {
      if (value !== '' && !isValidShareGroup(String(value)))
        throw new Error('must be empty or letters, digits, - and _ (e.g. hnth-hub)');
    },
    default: '',
    env: 'HNTH_MQTT_SHARED_GROUP',
  },
  username: {
    doc: 'Username at an external broker. A hub of a group has its own account, hnth-hub-<name> (deploy/ha/), and mqtt.clientId the same.',
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
      format: existingFileOrEmpty,
      default: '',
      env: 'HNTH_MQTT_TLS_CERT',
    },
    keyFile: {
      doc: 'PEM private key of that certificate.',
      format: existingFileOrEmpty,
      default: '',
      env: 'HNTH_MQTT_TLS_KEY',
    },
    caFile: {
      doc: 'PEM certificate authority the hub trusts when it connects to an external broker over mqtts://.',
      format: existingFileOrEmpty,
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
    doc: 'Messages per second a room may publish, on average, counted per account across its connections. The embedded broker disconnects a room past it; behind an external broker the hub cuts it off (mqtt.mosquitto) and raises an incident. Agents pace their replays under it (outbox.sendPerSec).',
    format: 'nat',
    default: 20,
  },
  floodBurst: {
    doc: 'Messages a room may publish at once before the rate limit applies (a reconnection, the first records of a replay).',
    format: 'nat',
    default: 200,
  },
  floodRecheckSec: {
    doc: 'How often the flood guard looks again: behind an external broker, for the rooms’ accounts disabled in the store (by any hub of a group) and a cut-off still to make; with the embedded broker, for floods that are over.',
    format: positive,
    default: 10,
  },
  mosquitto: {
    dir: {
      doc: 'Behind an external Mosquitto: the folder it reads its password and ACL files from (deploy/mosquitto/). To cut off a room over mqtt.floodPerSec the hub writes them there again without the room and runs reloadCommand. Empty: the hub only drops the room’s messages and raises the incident.',
      format: String,
      default: '',
      env: 'HNTH_MQTT_MOSQUITTO_DIR',
    },
    reloadCommand: {
      doc: 'Command that makes Mosquitto read its files again (and disconnect accounts no longer in them), program and arguments separated by spaces, no shell.',
      format: String,
      default: 'systemctl reload mosquitto.service',
      env: 'HNTH_MQTT_MOSQUITTO_RELOAD',
    },
  },
};

export type HubMqttSettings = SettingsOf<typeof hubMqttSettings>;

export const mqttChecks: CrossCheck<{ mqtt: HubMqttSettings }>[] = [
  {
    // Only whether each is set matters, so a missing file does not hide a missing partner.
    keys: [],
    check: ({ mqtt }) =>
      Boolean(mqtt.tls.certFile) === Boolean(mqtt.tls.keyFile)
        ? []
        : ['mqtt.tls.certFile and mqtt.tls.keyFile go together (HNTH_MQTT_TLS_CERT, HNTH_MQTT_TLS_KEY)'],
  },
  {
    keys: ['mqtt.keepaliveSec'],
    // 0 would turn the pings off, and the broker would never notice a vanished hub.
    check: ({ mqtt }) =>
      mqtt.keepaliveSec >= 2 && mqtt.keepaliveSec <= 600
        ? []
        : [
            `mqtt.keepaliveSec must be from 2 to 600 seconds (HNTH_MQTT_KEEPALIVE_SEC), not ${mqtt.keepaliveSec}`,
          ],
  },
  {
    keys: ['mqtt.clientId', 'mqtt.username'],
    // The broker ties a group hub's client id to its account (deploy/ha/mosquitto.conf), and the
    // account may publish only the status topic named after itself.
    check: ({ mqtt }) =>
      isHubAccount(mqtt.username) && mqtt.username !== HUB_ACCOUNT && mqtt.clientId !== mqtt.username
        ? [
            `mqtt.clientId must be the hub's own broker account, mqtt.username (${mqtt.username}), not ${mqtt.clientId}: the broker gives the hub its username as client id`,
          ]
        : [],
  },
  {
    keys: ['mqtt.sharedGroup', 'mqtt.url', 'mqtt.protocolVersion'],
    check: ({ mqtt }) =>
      mqtt.sharedGroup && (!mqtt.url || mqtt.protocolVersion !== 5)
        ? [
            'mqtt.sharedGroup needs an external MQTT 5 broker: set mqtt.url (HNTH_MQTT_URL) and mqtt.protocolVersion 5 (HNTH_MQTT_PROTOCOL=5)',
          ]
        : [],
  },
];
