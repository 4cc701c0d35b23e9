/** Entry of `npm start`: runs the demo until Ctrl-C. */
import { startDemo } from './demo.js';

const demo = await startDemo().catch((err: Error) => {
  process.stderr.write(`hnth demo: ${err.message}\n`);
  process.exit(1);
});
process.stdout.write(
  `\nhnth demo: ${demo.agents.length} simulated rooms\n  dashboard: ${demo.httpUrl}/\n  đăng nhập: ${demo.operator.username} / ${demo.operator.password}   (mật khẩu mới mỗi lần chạy / a new password every run)\n  broker:    ${demo.mqttUrl}\nCtrl-C stops everything.\n\n`,
);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('stopping the demo...\n');
  void demo.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
