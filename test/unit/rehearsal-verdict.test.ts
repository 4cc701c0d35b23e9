import { describe, expect, test } from '@jest/globals';
import {
  failures,
  meetingVerdict,
  type RoomAnswer,
  roomVerdict,
} from '../../hub/schedule/rehearsal-verdict.js';
import type { RehearsalCheck } from '../../shared/schemas.js';

const check = (
  c: RehearsalCheck['check'],
  status: RehearsalCheck['status'],
  fault?: RehearsalCheck['fault'],
) =>
  ({
    check: c,
    status,
    detail: `${c} ${status}`,
    evidence: {},
    ...(fault ? { fault } : {}),
  }) as RehearsalCheck;

describe('room verdict', () => {
  test.each([
    ['all pass', [check('power', 'pass'), check('link', 'pass')], 'go'],
    ['a check not run does not hold the room back', [check('power', 'pass'), check('sip', 'not-run')], 'go'],
    ['one marginal', [check('power', 'pass'), check('link', 'marginal', 'line')], 'at-risk'],
    [
      'one fail among marginals',
      [check('climate', 'marginal', 'equipment'), check('link', 'fail', 'line')],
      'no-go',
    ],
  ] as const)('%s → %s', (_name, checks, verdict) => {
    expect(roomVerdict({ answered: true, checks: [...checks] })).toBe(verdict);
  });

  test('a room that did not answer is a no-go', () => {
    expect(roomVerdict({ answered: false, error: 'timeout' })).toBe('no-go');
  });
});

describe('meeting verdict', () => {
  test.each([
    ['every room go', 'go', 'go', 'go'],
    ['a participant at risk', 'go', 'at-risk', 'at-risk'],
    ['a participant no-go: the meeting can go on without it', 'go', 'no-go', 'at-risk'],
    ['the host room at risk', 'at-risk', 'go', 'at-risk'],
    ['the host room no-go: no meeting', 'no-go', 'go', 'no-go'],
  ] as const)('%s', (_name, host, other, verdict) => {
    const rooms = [
      { roomId: 'ubnd-tinh', verdict: host },
      { roomId: 'ubnd-yen-son', verdict: other },
    ];
    expect(meetingVerdict(rooms, 'ubnd-tinh')).toBe(verdict);
  });

  test('without a host (inspection, a set of rooms) the worst room decides', () => {
    expect(
      meetingVerdict(
        [
          { roomId: 'a', verdict: 'go' },
          { roomId: 'b', verdict: 'no-go' },
        ],
        null,
      ),
    ).toBe('no-go');
  });
});

describe('who must fix each failure', () => {
  test.each([
    ['line', { kind: 'partner', partnerId: 'vnpt-tuyen-quang' }],
    ['mains', { kind: 'partner', partnerId: 'dien-luc-tuyen-quang' }],
    ['equipment', { kind: 'room-technician', roomId: 'so-y-te' }],
  ] as const)('%s fault', (fault, responsible) => {
    const answer: RoomAnswer = {
      answered: true,
      checks: [check('power', 'pass'), check('link', 'fail', fault)],
    };
    expect(failures('so-y-te', answer)).toEqual([
      { check: 'link', status: 'fail', detail: 'link fail', responsible: [responsible] },
    ]);
  });

  test('a silent room calls its technician and the line', () => {
    expect(failures('so-y-te', { answered: false, error: 'no answer' })).toEqual([
      {
        check: 'answer',
        status: 'fail',
        detail: 'no answer',
        responsible: [
          { kind: 'room-technician', roomId: 'so-y-te' },
          { kind: 'partner', partnerId: 'vnpt-tuyen-quang' },
        ],
      },
    ]);
  });
});
