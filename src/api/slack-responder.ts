/** Answers to analysts in Slack (ephemeral messages) and the allow-list of who may press the buttons. */
import type { SlackClient } from '../connectors/slack';
import type { SlackResponder } from './routes/slack-interactions';

const GROUP_TTL_MS = 5 * 60_000;

export function createSlackResponder(client: SlackClient | undefined, allow: { users: string[]; groups: string[] }): SlackResponder {
  let groupCache: { members: Set<string>; at: number } | undefined;
  async function groupMembers(): Promise<Set<string>> {
    if (!client || allow.groups.length === 0) return new Set();
    if (groupCache && Date.now() - groupCache.at < GROUP_TTL_MS) return groupCache.members;
    const lists = await Promise.all(allow.groups.map((g) => client.userGroupMembers(g)));
    groupCache = { members: new Set(lists.flat()), at: Date.now() };
    return groupCache.members;
  }
  return {
    async ephemeral(channel, user, text) {
      await client?.postEphemeral(channel, user, text);
    },
    async allowed(user) {
      if (allow.users.length === 0 && allow.groups.length === 0) return true;
      if (allow.users.includes(user)) return true;
      return (await groupMembers()).has(user);
    },
  };
}
