/**
 * The codec configuration the hub's operator approved for this room (art. 5.3), kept on the
 * controller's disk so a restarted agent watches it at once, even with the hub unreachable. Written
 * atomically (a power cut leaves the old baseline or the new one). A file that cannot be read is
 * treated as absent and said in the log: the configuration file's baseline then stands until the
 * hub sends its own again.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../shared/logger.js';
import * as z from '../../shared/zod-mini.js';
import { writeFileAtomic } from '../storage/atomic-write.js';

export const approvedBaseline = z.strictObject({
  values: z.record(z.string().check(z.minLength(1), z.maxLength(128)), z.string().check(z.maxLength(200))),
  /** When the operator approved it (ISO 8601). */
  approvedAt: z.string().check(z.maxLength(40)),
  hash: z.string().check(z.maxLength(64)),
});
export type ApprovedBaseline = z.infer<typeof approvedBaseline>;

export class BaselineStore {
  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  static fileFor(dataDir: string, roomId: string): string {
    return path.join(dataDir, `codec-baseline-${roomId}.json`);
  }

  load(): ApprovedBaseline | null {
    if (!existsSync(this.file)) return null;
    try {
      const parsed = approvedBaseline.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      if (parsed.success) return parsed.data;
      this.log.warn(
        { file: this.file, reason: parsed.error.issues[0]?.message },
        'approved baseline unreadable',
      );
    } catch (err) {
      this.log.warn({ file: this.file, err: (err as Error).message }, 'approved baseline unreadable');
    }
    return null;
  }

  save(baseline: ApprovedBaseline): void {
    writeFileAtomic(this.file, `${JSON.stringify(baseline)}\n`);
  }
}
