/** Fakes for the schedule part's ports: a runner that records what it was asked to start, a silent logger. */
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import type { RehearsalSpec } from '../../hub/schedule/rehearsal-runner.js';
import { createLogger } from '../../shared/logger.js';

export const silentLog = createLogger('test', 'silent');

export class RecordingRunner {
  readonly started: (RehearsalSpec & { at: string })[] = [];
  async start(spec: RehearsalSpec) {
    this.started.push({ ...spec, at: new Date().toISOString() });
    return {
      id: `r${this.started.length}`,
      ...spec,
      startedAt: new Date().toISOString(),
      checkedAt: null,
      finishedAt: null,
      deadline: spec.deadline?.toISOString() ?? null,
      status: 'running' as const,
      verdict: null,
    };
  }
}

export function meetingAt(id: string, start: Date, hours = 2, patch: Partial<Meeting> = {}): Meeting {
  return {
    id,
    title: `meeting ${id}`,
    kind: 'committee',
    hostUnit: 'Văn phòng UBND tỉnh',
    hostRoomId: 'ubnd-tinh',
    roomIds: ['ubnd-tinh', 'ubnd-yen-son'],
    start: start.toISOString(),
    end: new Date(start.getTime() + hours * 3_600_000).toISOString(),
    emergency: null,
    registeredBy: null,
    registeredAt: start.toISOString(),
    updatedAt: start.toISOString(),
    status: 'scheduled',
    ...patch,
  };
}
