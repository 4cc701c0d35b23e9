/** Why a GPIO line could not be used, with what the technician should do about it. */
export type GpioErrorCode =
  | 'HNTH_GPIO_LINE'
  | 'HNTH_GPIO_NO_CHIP'
  | 'HNTH_GPIO_ACCESS'
  | 'HNTH_GPIO_BUSY'
  | 'HNTH_GPIO_REFUSED'
  | 'HNTH_GPIO_TOOLS';

export class GpioError extends Error {
  constructor(
    readonly code: GpioErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GpioError';
  }
}

/** Turns the kernel's answer to opening a line into a GpioError that says what to do. */
export function gpioOpenError(line: string, where: string, err: unknown): GpioError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return new GpioError(
        'HNTH_GPIO_ACCESS',
        `${line} (${where}): permission denied; add the agent's user to the gpio group`,
      );
    case 'EBUSY':
      return new GpioError(
        'HNTH_GPIO_BUSY',
        `${line} (${where}) is used by another driver or program; free it (check /boot/firmware/config.txt overlays)`,
      );
    case 'EINVAL':
      return new GpioError(
        'HNTH_GPIO_REFUSED',
        `${line} (${where}): the kernel refused the line number (EINVAL); check the board's GPIO numbering`,
      );
    case 'ENOENT':
      if (/\/gpio\d+\//.test(why)) {
        return new GpioError(
          'HNTH_GPIO_REFUSED',
          `${line} (${where}): exported, but the kernel made no line folder (${why}); is the line claimed by a device-tree overlay?`,
        );
      }
      return new GpioError(
        'HNTH_GPIO_REFUSED',
        `${line} (${where}): this kernel has no sysfs GPIO (${why}); set sensors.ups.gpio.backend to "gpiod"`,
      );
    default:
      return new GpioError('HNTH_GPIO_REFUSED', `${line} (${where}): ${why}`);
  }
}
