/**
 * The alert's "SIEM alert ↗" link is the one link in a ticket that comes from the alert itself. When the
 * SIEM's console is known (PANTHER_CONSOLE_URL), a link elsewhere is dropped: whoever can send alerts must
 * not put a look-alike login page one click from an analyst. Pure.
 */
import type { Alert } from '../domain/alert';

export function withTrustedLink(alert: Alert, consoleUrl: string | undefined): { alert: Alert; dropped?: string } {
  if (!alert.link || !consoleUrl || !URL.canParse(consoleUrl)) return { alert };
  const trusted = new URL(consoleUrl).origin;
  const origin = URL.canParse(alert.link) ? new URL(alert.link).origin : undefined;
  if (origin === trusted) return { alert };
  const { link: _dropped, ...rest } = alert;
  return { alert: rest, dropped: origin ?? 'an unparseable URL' };
}
