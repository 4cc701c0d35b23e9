/** The room's speak button, read from a header line (agent/speak/speak-button.ts). */
import { gpioLine } from '../gpio/gpio-line-setting.js';

export const speakButtonSettings = {
  line: {
    doc: 'GPIO line of the room’s speak button (GPIO27, BCM numbering); empty when the room has none.',
    format: gpioLine,
    default: '',
    env: 'HNTH_SPEAK_BUTTON_LINE',
  },
  activeLow: {
    doc: 'The button pulls the line to ground when pressed (pull-up wiring).',
    format: Boolean,
    default: true,
  },
  debounceMs: {
    doc: 'How long the line must hold its level before a press counts (contact bounce).',
    format: 'nat',
    default: 50,
  },
};
