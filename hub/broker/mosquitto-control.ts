/**
 * The hub's hand on an external Mosquitto 2. Mosquitto has no per-client rate limit and no command
 * to drop a client, but on a reload (SIGHUP) it reads its password file again and checks every
 * connected client against it, disconnecting those whose account is gone (Mosquitto 2.0,
 * `mosquitto_security_apply`). So to cut a room off, the hub writes the files of
 * `hnth-hub export mosquitto` again, the room's account left out, and runs the reload command
 * (`systemctl reload mosquitto.service`, allowed to the hub's user by the polkit rule in
 * deploy/mosquitto/). Other clients keep their connections: their accounts are unchanged.
 */
import type { ProcessRunner } from '../../shared/probes/process-runner.js';
import { exportMosquitto } from '../security/mosquitto-export.js';
import type { MqttCredentials } from '../security/mqtt-credentials.js';
import type { PolicyOptions } from '../security/mqtt-policy.js';

export type ControlOutcome =
  | { ok: true }
  | { ok: false; code: 'not-configured' | 'export-failed' | 'reload-failed'; message: string };

/** Makes the broker enforce the accounts as they are stored now (disabled ones refused). */
export interface BrokerControl {
  apply(): Promise<ControlOutcome>;
}

export interface MosquittoControlSettings {
  /** Where Mosquitto reads `passwords`, `hub-passwords` and `acl`; empty when not configured. */
  dir: string;
  /** The reload command, program first (no shell). */
  reloadCommand: readonly string[];
}

const RELOAD_TIMEOUT_MS = 10_000;

export function mosquittoControl(
  settings: MosquittoControlSettings,
  credentials: MqttCredentials,
  policy: PolicyOptions,
  run: ProcessRunner,
): BrokerControl {
  return {
    async apply() {
      const [program, ...args] = settings.reloadCommand;
      if (!settings.dir || !program)
        return {
          ok: false,
          code: 'not-configured',
          message:
            'mqtt.mosquitto.dir (HNTH_MQTT_MOSQUITTO_DIR) and mqtt.mosquitto.reloadCommand are not both set: the broker still accepts the account',
        };
      try {
        await exportMosquitto(settings.dir, credentials, policy);
      } catch (err) {
        return {
          ok: false,
          code: 'export-failed',
          message: `writing ${settings.dir}: ${(err as Error).message}`,
        };
      }
      const out = await run(program, args, { timeoutMs: RELOAD_TIMEOUT_MS });
      if (out.code === 0) return { ok: true };
      return {
        ok: false,
        code: 'reload-failed',
        message:
          `${settings.reloadCommand.join(' ')}: ${out.error ?? `exit ${out.code}`} ${out.stderr.trim()}`.trim(),
      };
    },
  };
}
