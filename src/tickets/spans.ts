/** The building blocks of a ticket: runs of untrusted text, emphasis and links. Each renderer escapes them. */
import { describeActor, type Actor } from '../domain/triage-state';
import { SLACK_USER_ID } from './slack-ids';

export type Span =
  | { kind: 'text'; text: string; bold?: boolean; code?: boolean }
  | { kind: 'link'; text: string; url: string }
  /**
   * A Slack user (id from a signed interaction) or the operator's configured escalation target
   * (`subteam^S…`, `here`, `channel`) — never text from an alert.
   */
  | { kind: 'mention'; userId: string };

export type Line = Span[];

export const text = (t: string, opts: { bold?: boolean; code?: boolean } = {}): Span => ({ kind: 'text', text: t, ...opts });
export const link = (t: string, url: string): Span => ({ kind: 'link', text: t, url });

/**
 * Who acted, as Slack should show them: an analyst with a real user id as a mention; anyone else (a
 * script's Update, whose `id` could say `channel`) as plain text, so no action pings a channel.
 */
export function actorSpan(actor: Actor | undefined): Span {
  if (actor?.kind === 'analyst' && SLACK_USER_ID.test(actor.id)) return { kind: 'mention', userId: actor.id };
  return text(describeActor(actor));
}

/**
 * A Line is one line: a line break inside alert text (a user named `alice\n✅ Closed by …`) must not
 * forge a ticket line of its own. Every renderer puts span text through this.
 */
export function oneLine(value: string): string {
  return value.replace(/[\r\n\u0085\u2028\u2029]+/g, ' ');
}
