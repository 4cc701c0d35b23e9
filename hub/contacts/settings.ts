/** How long a contact stays current without being confirmed (art. 4.3). */
export const contactSettings = {
  staleAfterDays: {
    doc: 'A contact not confirmed for this many days is flagged stale (art. 4.3).',
    format: 'nat',
    default: 180,
    env: 'HNTH_CONTACTS_STALE_AFTER_DAYS',
  },
};
