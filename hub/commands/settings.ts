/** How long a room has to answer a remote action or a configuration order. */
import { positive } from '../../shared/settings.js';

export const remoteActionSettings = {
  timeoutSec: {
    doc: 'Seconds a room has to answer a remote action (codec standby, wake, restart, controller reboot) or a configuration read or delivery; the order lapses then, so a room that hears it later does not act on it.',
    format: positive,
    default: 15,
  },
};
