/**
 * Entry of `npm start`: runs the demo until Ctrl-C. With `-- --scenario` it also plays a short
 * morning (demo/scenario.ts) with faster settings, so it is seen in a few minutes.
 */
import { startDemo } from './demo.js';
import { playMorning } from './scenario.js';

const scenario = process.argv.includes('--scenario');

const demo = await startDemo(
  scenario
    ? {
        // Rooms idle off in 30 s and codecs boot in 15 s; an incident closes 20 s after its fault.
        quietMin: 0.5,
        env: { HNTH_SIM_CODEC_BOOT_SEC: '15', ...process.env },
        hubOverrides: { 'incidents.clearAfterSec': 20 },
      }
    : {},
).catch((err: Error) => {
  process.stderr.write(`hnth demo: ${err.message}\n`);
  process.exit(1);
});
process.stdout.write(
  `\nhnth demo: ${demo.agents.length} simulated rooms\n  dashboard: ${demo.httpUrl}/\n  đăng nhập: ${demo.operator.username} / ${demo.operator.password}   (mật khẩu mới mỗi lần chạy / a new password every run)\n  broker:    ${demo.mqttUrl}\nCtrl-C stops everything.\n\n`,
);
if (scenario)
  void playMorning(demo, {
    say: (line) => process.stdout.write(`${line}\n`),
    pauseMs: 8000,
    stepTimeoutMs: 5 * 60_000,
  }).catch((err: Error) => process.stderr.write(`hnth demo scenario: ${err.message}\n`));
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('stopping the demo...\n');
  void demo.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
