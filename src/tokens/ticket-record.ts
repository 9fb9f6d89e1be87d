/**
 * How the component_verify_ticket is kept: the ticket with the instant it arrived, so its
 * age can be told (WeChat pushes one every 10 minutes; each is valid 12 hours) and a
 * stopped push noticed. A ticket stored by an earlier version, as the bare string, is read
 * as a ticket of unknown age until the next push replaces it.
 */

export interface StoredTicket {
  readonly ticket: string;
  /** Epoch ms it arrived; undefined for a ticket stored before arrival instants were kept. */
  readonly receivedAt: number | undefined;
}

export function encodeTicket(ticket: string, receivedAt: number): string {
  return JSON.stringify({ ticket, receivedAt });
}

export function decodeTicket(raw: string | undefined): StoredTicket | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw.startsWith('{')) {
    try {
      const value = JSON.parse(raw) as { ticket?: unknown; receivedAt?: unknown };
      if (typeof value.ticket === 'string' && value.ticket !== '' && typeof value.receivedAt === 'number') return { ticket: value.ticket, receivedAt: value.receivedAt };
    } catch {
      // not a record: a bare ticket that happens to start with a brace
    }
  }
  return { ticket: raw, receivedAt: undefined };
}
