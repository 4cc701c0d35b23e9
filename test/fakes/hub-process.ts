/**
 * A hub in its own process, for tests that kill it with SIGKILL: started on the given ports and data
 * folder, it prints one JSON line with where it listens and the logins the test needs, then runs
 * until killed. Usage: hub-process.ts <dataDir> <mqttPort> <httpPort> [room to issue a password for];
 * `HNTH_TEST_HUB_OVERRIDES` (JSON) adds configuration (an external broker, limits).
 */
import { loadHubConfig } from '../../hub/config.js';
import { startHub } from '../../hub/hub.js';
import { createLogger } from '../../shared/logger.js';

const [dataDir, mqttPort, httpPort, issueRoom] = process.argv.slice(2);
const config = loadHubConfig({
  env: {},
  overrides: {
    dataDir,
    'mqtt.port': Number(mqttPort),
    'mqtt.host': '127.0.0.1',
    'http.port': Number(httpPort),
    'http.host': '127.0.0.1',
    readinessCheckSec: 1,
    ...JSON.parse(process.env.HNTH_TEST_HUB_OVERRIDES ?? '{}'),
  },
});
// Silent unless asked (`HNTH_TEST_HUB_LOG`): the first line on stdout is then the one below.
const hub = await startHub(config, createLogger('hub', process.env.HNTH_TEST_HUB_LOG ?? 'silent'));
const operatorPassword = await hub.security.users.set(
  { username: 'op', role: 'operator', roomId: null },
  'test',
);
const roomPassword = issueRoom ? await hub.security.credentials.issue(issueRoom, 'test') : null;
process.stdout.write(
  `${JSON.stringify({ httpUrl: hub.httpUrl, mqttUrl: hub.mqttUrl, operatorPassword, roomPassword })}\n`,
);
