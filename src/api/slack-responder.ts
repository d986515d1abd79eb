/** Answers to analysts in Slack (ephemeral messages) and the allow-list of who may press the buttons. */
import { ProviderError } from '../connectors/http';
import type { SlackClient } from '../connectors/slack';
import type { SlackResponder } from './routes/slack-interactions';
import { errorMessage } from '../logging/error-message';
import { escapeMrkdwn } from '../tickets/slack-message';

const GROUP_TTL_MS = 5 * 60_000;
/** Slack wants its 200 within 3 s; a slower lookup refuses the click and fills the cache for the next one. */
export const GROUP_LOOKUP_WAIT_MS = 1_500;

/** Why a user-group lookup failed, in words the analyst can pass on to whoever runs autotriage. */
function lookupFailure(err: unknown): string {
  if (err instanceof ProviderError) {
    if (err.details.code === 'missing_scope') return 'missing_scope (the bot needs usergroups:read)';
    if (err.category === 'rate_limit') {
      const retry = err.details.retryAfterMs;
      return `Slack is rate-limiting usergroups.users.list${retry === undefined ? '' : `; try again in ${Math.ceil(retry / 1000)} s`}`;
    }
  }
  return errorMessage(err);
}

export function createSlackResponder(client: SlackClient | undefined, allow: { users: string[]; groups: string[] }): SlackResponder {
  let groupCache: { members: Set<string>; at: number } | undefined;
  /** One lookup at a time, shared by the clicks that wait for it. */
  let lookup: Promise<Set<string>> | undefined;
  async function fetchGroupMembers(c: SlackClient): Promise<Set<string>> {
    let lists: string[][];
    try {
      lists = await Promise.all(allow.groups.map((g) => c.userGroupMembers(g)));
    } catch (err) {
      // Not cached: the next click tries again, so fixing the scope (or the limit passing) needs no restart.
      throw new Error(`autotriage could not check SLACK_ALLOWED_GROUPS: ${lookupFailure(err)}`, { cause: err });
    }
    groupCache = { members: new Set(lists.flat()), at: Date.now() };
    return groupCache.members;
  }
  async function groupMembers(waitMs: number): Promise<Set<string>> {
    if (!client || allow.groups.length === 0) return new Set();
    if (groupCache && Date.now() - groupCache.at < GROUP_TTL_MS) return groupCache.members;
    lookup ??= fetchGroupMembers(client).finally(() => (lookup = undefined));
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`autotriage could not check SLACK_ALLOWED_GROUPS: Slack did not answer usergroups.users.list within ${(waitMs / 1000).toFixed(1)} s; try again in a moment`)),
        waitMs,
      );
    });
    return Promise.race([lookup, slow]).finally(() => clearTimeout(timer));
  }
  return {
    async ephemeral(channel, user, text) {
      // Plain text: a refusal can quote who closed the alert (a rule id from an outside autoClose signal).
      await client?.postEphemeral(channel, user, escapeMrkdwn(text));
    },
    async allowed(user, waitMs = GROUP_LOOKUP_WAIT_MS) {
      if (allow.users.length === 0 && allow.groups.length === 0) return true;
      if (allow.users.includes(user)) return true;
      return (await groupMembers(Math.min(waitMs, GROUP_LOOKUP_WAIT_MS))).has(user);
    },
  };
}
