/**
 * The grammar of Slack ids autotriage will ever turn into a mention: one definition for the interaction
 * route (who clicked), the ticket renderer (who acted, whom to page) and the configuration check.
 */
const USER = '[UW][A-Z0-9]{2,20}';
const GROUP = 'S[A-Z0-9]{2,20}';

/** A Slack user id, as Slack's signed interaction payloads carry it. */
export const SLACK_USER_ID = new RegExp(`^${USER}$`);

/** What a mention may name: a user, a user group (`subteam^S…`), `here` or `channel`. */
export const MENTION_TARGET = new RegExp(`^(${USER}|subteam\\^${GROUP}|here|channel)$`);

/** A Slack user group id (`S0123ABCD`), as usergroups.users.list takes it. */
export const SLACK_GROUP_ID = new RegExp(`^${GROUP}$`);

/** A public or private channel id (`C0123ABCDEF`, `G…`): what chat.postMessage and conversations.history share. */
export const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{6,}$/;
