/**
 * The sysfs port: every sensor reads the kernel's files through it, relative to a root that is
 * `/sys` on a controller and a fixture tree in tests (the Telegraf `temp` plugin's approach).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export interface Sysfs {
  /** The root, for messages that name a path a technician can look at. */
  readonly root: string;
  /** The file's text, trimmed; rejects with the fs error (ENOENT, EIO) when it cannot be read. */
  read(relPath: string): Promise<string>;
  /** Entry names of a folder; an absent folder lists as empty. */
  list(relDir: string): Promise<string[]>;
  exists(relPath: string): Promise<boolean>;
}

export function sysfsAt(root: string): Sysfs {
  const at = (rel: string) => path.join(root, rel);
  return {
    root,
    read: async (rel) => (await readFile(at(rel), 'utf8')).trim(),
    list: (rel) => readdir(at(rel)).catch(() => []),
    exists: (rel) =>
      stat(at(rel)).then(
        () => true,
        () => false,
      ),
  };
}

/**
 * Finds a device folder under `classDir` by its folder name (`hwmon2`, `iio:device0`) or by the
 * driver name in its `name` file (`sht3x`, `bme280`), which unlike the number survives a reboot.
 * A device the device tree made is named after its node, `<driver>@<unit address>`: the Raspberry
 * Pi `dht11` overlay gives `dht11@4` (the GPIO in hex, `dht11@11` for GPIO 17), so `dht11`
 * matches it whatever the suffix.
 */
export async function findDevice(sysfs: Sysfs, classDir: string, wanted: string): Promise<string | null> {
  const entries = await sysfs.list(classDir);
  if (entries.includes(wanted)) return path.join(classDir, wanted);
  for (const entry of entries.sort()) {
    const name = await sysfs.read(path.join(classDir, entry, 'name')).catch(() => null);
    if (name === wanted || name?.startsWith(`${wanted}@`)) return path.join(classDir, entry);
  }
  return null;
}

/** The device findDevice picks, as `iio:device0 (dht11@4)`, for `doctor`; null when none. */
export async function describeDevice(sysfs: Sysfs, classDir: string, wanted: string): Promise<string | null> {
  const dir = await findDevice(sysfs, classDir, wanted);
  if (!dir) return null;
  const name = await sysfs.read(path.join(dir, 'name')).catch(() => 'no name');
  return `${path.basename(dir)} (${name})`;
}

export function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code}` : e instanceof Error ? e.message : String(e);
}
