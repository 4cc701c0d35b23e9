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
  contactsFor(roomId: string | null, faultKind: IncidentFault): IncidentContacts {
    const technician = roomId ? this.repo.get('room', roomId) : null;
    return {
      technician: technician ? this.view(technician) : null,
      partners: partnersFor(faultKind).map((id) => this.partner(id)),
    };
  }

  partner(partnerId: string): PartnerContacts {
    const contact = this.repo.get('partner', partnerId);
    return {
      partnerId,
      partnerName: partners.find((p) => p.id === partnerId)?.name ?? partnerId,
      contact: contact ? this.view(contact) : null,
    };
  }

  /** Every room and partner, with its contact or null, so gaps show. */
  directory(): {
    rooms: { roomId: string; roomName: string; contact: ContactView | null }[];
    partners: PartnerContacts[];
  } {
    return {
      rooms: this.fleet.rooms.map((r) => {
        const c = this.repo.get('room', r.id);
        return { roomId: r.id, roomName: r.name, contact: c ? this.view(c) : null };
      }),
      partners: partners.map((p) => this.partner(p.id)),
    };
  }
}
