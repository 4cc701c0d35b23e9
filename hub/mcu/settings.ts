/** How the hub watches the MCU: SIP OPTIONS and ping series. */
import { parseSipTarget } from '../../shared/probes/sip-options.js';
import { positive, type SettingsOf } from '../../shared/settings.js';

export const mcuSettings = {
  sipUri: {
    doc: 'The MCU’s SIP address for OPTIONS checks, sip:host:port;transport=udp|tcp; empty for none.',
    format: (value: unknown) => {
      if (value !== '') parseSipTarget(String(value));
    },
    default: '',
    env: 'HNTH_MCU_SIP_URI',
  },
  host: {
    doc: 'The MCU’s address for ping series (latency, jitter, loss); empty for none.',
    format: (value: unknown) => {
      if (value !== '' && !/^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$/.test(String(value))) {
        throw new Error('must be a host name or address');
      }
    },
    default: '',
    env: 'HNTH_MCU_HOST',
  },
  intervalSec: {
    doc: 'Seconds between two checks of the MCU.',
    format: positive,
    default: 15,
    env: 'HNTH_MCU_INTERVAL',
  },
  pingCount: { doc: 'Echoes in one ping series.', format: 'nat', default: 5 },
  timeoutMs: { doc: 'Longest wait for one answer of the MCU.', format: 'nat', default: 1000 },
};

export type McuConfig = SettingsOf<typeof mcuSettings>;
