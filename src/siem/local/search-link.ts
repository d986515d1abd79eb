/**
 * The embedded SIEM's results links are capabilities: the page shows raw log events, so it answers only
 * a link that autotriage itself put in a ticket, for a while. The worker signs (indicator, from, to,
 * expiry) with a key derived from WEBHOOK_SECRET; the API checks the signature and the expiry. Without
 * WEBHOOK_SECRET the API listens on loopback only, and links go unsigned.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SearchLinkQuery {
  indicator: string;
  from: string;
  to: string;
  /** Unix seconds after which the link no longer opens. */
  exp: number;
}

/** As long as a ticket can stay open by default (MAX_OPEN); the worker signs for longer when MAX_OPEN is. */
export const SEARCH_LINK_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * A ticket's results link opens as long as the ticket can be open: MAX_OPEN, then the reopen window after
 * its close (never less than SEARCH_LINK_TTL_MS).
 */
export function searchLinkTtlMs(policy: { maxOpenMs: number; reopenWindowMs: number }): number {
  return Math.max(SEARCH_LINK_TTL_MS, policy.maxOpenMs + policy.reopenWindowMs);
}

/** A key of its own for links, so a signature never doubles as a webhook credential. */
export function searchLinkKey(webhookSecret: string): Buffer {
  return createHmac('sha256', webhookSecret).update('autotriage/siem-search-link/v1').digest();
}

function mac(key: Buffer, q: SearchLinkQuery): Buffer {
  // Newlines cannot occur in an IP, an ISO timestamp or a number, so the fields cannot be shifted into each other.
  return createHmac('sha256', key).update(`${q.indicator}\n${q.from}\n${q.to}\n${q.exp}`).digest();
}

export function signSearchLink(key: Buffer, q: SearchLinkQuery): string {
  return mac(key, q).toString('base64url');
}

export function verifySearchLink(key: Buffer, q: SearchLinkQuery, signature: string | undefined): boolean {
  if (!signature || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signature, 'base64url'), mac(key, q));
}
