/**
 * Who to call about a room and a kind of fault: the room's technician and the partners on call for
 * it, each with whether the contact is stale. The incident API, the notifier and (later) the
 * rehearsal failure view all ask here.
 */
import { systemClock } from '../../shared/clock.js';
import { type Fleet, partners } from '../../shared/fleet.js';
import { type Contact, staleness } from './contact-rules.js';
import type { ContactsRepo } from './contacts-repo.js';
import { type IncidentFault, partnersFor } from './incident-faults.js';

export interface ContactView extends Contact {
  stale: boolean;
  staleReasons: string[];
}

export interface PartnerContacts {
  partnerId: string;
  partnerName: string;
  /** null when nobody is on file: the operator must add one. */
  contact: ContactView | null;
}

export interface IncidentContacts {
  technician: ContactView | null;
  partners: PartnerContacts[];
}

export class ContactDirectory {
  constructor(
    readonly repo: ContactsRepo,
    private readonly fleet: Fleet,
    private readonly staleAfterDays: number,
    private readonly clock: () => Date = systemClock.now,
  ) {}

  view(contact: Contact): ContactView {
    const s = staleness(contact, this.clock(), this.staleAfterDays);
    return { ...contact, stale: s.stale, staleReasons: s.reasons };
  }

  /** The technician of a room (null for the network) and the partners on call for the fault. */
  async contactsFor(roomId: string | null, faultKind: IncidentFault): Promise<IncidentContacts> {
    return incidentContacts(await this.book(), roomId, faultKind);
  }

  /** A partner with its contact on file (or null). */
  private partnerOf(partnerId: string, contact: Contact | null): PartnerContacts {
    return {
      partnerId,
      partnerName: partners.find((p) => p.id === partnerId)?.name ?? partnerId,
      contact: contact ? this.view(contact) : null,
    };
  }

  /** Every room and partner, with its contact or null, so gaps show. */
  async directory(): Promise<{
    rooms: { roomId: string; roomName: string; contact: ContactView | null }[];
    partners: PartnerContacts[];
  }> {
    const book = await this.book();
    return {
      rooms: this.fleet.rooms.map((r) => ({
        roomId: r.id,
        roomName: r.name,
        contact: book.technician(r.id),
      })),
      partners: partners.map((p) => book.partner(p.id)),
    };
  }

  /** Every contact on file, read at once, to look up without waiting (a notice's many recipients). */
  async book(): Promise<ContactBook> {
    const byKey = new Map((await this.repo.all()).map((c) => [`${c.kind} ${c.ownerId}`, c]));
    return {
      technician: (roomId) => {
        const c = byKey.get(`room ${roomId}`);
        return c ? this.view(c) : null;
      },
      partner: (partnerId) => this.partnerOf(partnerId, byKey.get(`partner ${partnerId}`) ?? null),
    };
  }
}

/** The contacts on file at one moment. */
export interface ContactBook {
  technician(roomId: string): ContactView | null;
  partner(partnerId: string): PartnerContacts;
}

/** Whom to call about a room's fault, from the contacts on file. */
export function incidentContacts(
  book: ContactBook,
  roomId: string | null,
  faultKind: IncidentFault,
): IncidentContacts {
  return {
    technician: roomId ? book.technician(roomId) : null,
    partners: partnersFor(faultKind).map((id) => book.partner(id)),
  };
}
