/**
 * The grammar of Slack ids autotriage will ever turn into a mention: one definition for the interaction
 * route (who clicked), the ticket renderer (who acted, whom to page) and the configuration check.
 */
const USER = '[UW][A-Z0-9]{2,20}';

/** A Slack user id, as Slack's signed interaction payloads carry it. */
export const SLACK_USER_ID = new RegExp(`^${USER}$`);

/** What a mention may name: a user, a user group (`subteam^S…`), `here` or `channel`. */
export const MENTION_TARGET = new RegExp(`^(${USER}|subteam\\^S[A-Z0-9]{2,20}|here|channel)$`);
