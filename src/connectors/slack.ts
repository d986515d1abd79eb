/**
 * Slack through the official WebClient. Retries are Temporal's job, not the client's: the client never
 * retries or sleeps on 429 itself, and every failure becomes a ProviderError with a category.
 */
import {
  ErrorCode,
  LogLevel,
  WebClient,
  type WebAPICallError,
  type MessageMetadataEventPayloadObject,
} from '@slack/web-api';
import { ProviderError, type FailureCategory } from './http';

export interface SlackOptions {
  botToken: string;
  apiUrl: string;
  timeoutMs?: number;
}

export interface SlackMessageRef {
  channel: string;
  ts: string;
}

/** The metadata that marks our messages, so a retried post can find the one it already made. */
export const ALERT_EVENT_TYPE = 'autotriage_alert';
export const EVENT_TYPE = 'autotriage_event';

/** Platform errors that mean the operator must fix configuration (token, scopes, channel). */
const CONFIG_ERRORS = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'no_permission',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'ekm_access_denied',
  'access_denied',
  'team_access_not_granted',
  'org_login_required',
  'not_allowed_token_type',
  'enterprise_is_restricted',
]);

/**
 * Platform errors that mean this request can never succeed as sent. Any other error — including one
 * Slack adds later — is retried: a ticket is delayed by an error we do not know, and only after 30 min
 * and 10 attempts taken as a refusal (activities/failures.ts: the ticket is then saved locally).
 */
const REQUEST_ERRORS = new Set([
  'invalid_arguments',
  'invalid_arg_name',
  'invalid_array_arg',
  'invalid_charset',
  'invalid_form_data',
  'invalid_post_type',
  'missing_post_type',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'msg_blocks_too_long',
  'no_text',
  'too_many_attachments',
  'invalid_metadata_format',
  'invalid_metadata_schema',
  'metadata_too_large',
  'metadata_must_be_sent_from_app',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'invalid_cursor',
  'invalid_ts_latest',
  'invalid_ts_oldest',
  'user_not_found',
  'users_not_found',
  'no_such_subteam',
  'invalid_json',
  'json_not_object',
  'attachment_payload_limit_exceeded',
  'messages_tab_disabled',
  'thread_not_found',
  'cannot_reply_to_message',
  'method_deprecated',
  'deprecated_endpoint',
]);

/** Slack's own transient errors (besides HTTP 5xx and timeouts). */
const TRANSIENT_ERRORS = new Set(['ratelimited', 'rate_limited', 'service_unavailable', 'fatal_error', 'internal_error', 'request_timeout']);


/**
 * Text as Slack can take it: a lone UTF-16 surrogate (valid in alert JSON, or half of a pair cut by a
 * renderer's truncation) makes the Web API's form encoding throw "URI malformed" — a post retried forever —
 * or merge with the next character; it becomes U+FFFD. Applied to blocks too, at any depth.
 */
function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return value.toWellFormed() as T;
  if (Array.isArray(value)) return value.map((v: unknown) => wellFormed(v)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wellFormed(v)])) as T;
  }
  return value;
}

function isCallError(err: unknown): err is WebAPICallError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
}

export function toProviderError(err: unknown, action: string): ProviderError {
  if (!isCallError(err)) return new ProviderError('Slack', `${action}: ${String(err)}`);
  switch (err.code) {
    case ErrorCode.RateLimitedError:
      return new ProviderError('Slack', `${action}: rate limited`, {
        category: 'rate_limit',
        status: 429,
        retryAfterMs: err.retryAfter * 1000,
      });
    case ErrorCode.PlatformError: {
      const slackError = String(err.data.error ?? 'unknown_error');
      const category: FailureCategory = CONFIG_ERRORS.has(slackError) ? 'config' : REQUEST_ERRORS.has(slackError) ? 'invalid_request' : 'transient';
      const unrecognized = category === 'transient' && !TRANSIENT_ERRORS.has(slackError);
      const hint = category === 'config' ? ' (check SLACK_BOT_TOKEN, its scopes and SLACK_CHANNEL)' : '';
      return new ProviderError('Slack', `${action}: Slack said ${slackError}${hint}`, { category, code: slackError, unrecognized });
    }
    case ErrorCode.HTTPError:
      // Slack answers its Web API with 200 (or 429, 5xx); a 4xx is something else at SLACK_API_URL.
      if (err.statusCode >= 400 && err.statusCode < 500) {
        return new ProviderError('Slack', `${action}: Slack answered HTTP ${err.statusCode} (check SLACK_API_URL)`, { category: 'config', status: err.statusCode });
      }
      return new ProviderError('Slack', `${action}: Slack answered HTTP ${err.statusCode}`, { status: err.statusCode });
    default:
      return new ProviderError('Slack', `${action}: ${err.message}`);
  }
}

export class SlackClient {
  private readonly web: WebClient;
  /** The longest one call can take (the HTTP timeout; no retries inside the client). */
  readonly timeoutMs: number;

  constructor(options: SlackOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.web = new WebClient(options.botToken, {
      slackApiUrl: options.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: this.timeoutMs,
      logLevel: LogLevel.WARN,
    });
  }

  async postMessage(args: {
    channel: string;
    text: string;
    blocks: Array<Record<string, unknown>>;
    alertKey: string;
    threadTs?: string;
  }): Promise<SlackMessageRef> {
    try {
      const res = await this.web.chat.postMessage({
        channel: args.channel,
        text: wellFormed(args.text),
        blocks: args.blocks.length ? (wellFormed(args.blocks) as never) : undefined,
        thread_ts: args.threadTs,
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: ALERT_EVENT_TYPE, event_payload: { alert_key: args.alertKey } },
      });
      return { channel: String(res.channel ?? args.channel), ts: String(res.ts) };
    } catch (err) {
      throw toProviderError(err, 'posting the ticket');
    }
  }

  async updateMessage(ref: SlackMessageRef, args: { text: string; blocks: Array<Record<string, unknown>> }): Promise<void> {
    try {
      await this.web.chat.update({ channel: ref.channel, ts: ref.ts, text: wellFormed(args.text), blocks: wellFormed(args.blocks) as never });
    } catch (err) {
      throw toProviderError(err, 'updating the ticket');
    }
  }

  /** A reply in the ticket's thread (optionally also shown in the channel), marked with `eventKey`. */
  async postReply(args: {
    channel: string;
    threadTs: string;
    text: string;
    blocks?: Array<Record<string, unknown>>;
    eventKey: string;
    broadcast?: boolean;
  }): Promise<SlackMessageRef> {
    try {
      const res = await this.web.chat.postMessage({
        channel: args.channel,
        thread_ts: args.threadTs,
        reply_broadcast: args.broadcast ?? false,
        text: wellFormed(args.text),
        blocks: args.blocks?.length ? (wellFormed(args.blocks) as never) : undefined,
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: EVENT_TYPE, event_payload: { event_key: args.eventKey } },
      });
      return { channel: String(res.channel ?? args.channel), ts: String(res.ts) };
    } catch (err) {
      throw toProviderError(err, 'replying in the ticket thread');
    }
  }

  /**
   * Whether the thread already has our reply for `eventKey` (look-before-post on retries), page by page:
   * a long analyst discussion can push it past the first.
   */
  async hasReply(channel: string, threadTs: string, eventKey: string, beforePage?: () => void): Promise<boolean> {
    const found = await this.findInPages(
      'reading the ticket thread',
      (cursor) => this.web.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 200, cursor }),
      (m) => m.metadata?.event_type === EVENT_TYPE && (m.metadata.event_payload as MessageMetadataEventPayloadObject | undefined)?.event_key === eventKey,
      beforePage,
    );
    return found !== undefined;
  }

  /** A message only `user` sees (the answer to a refused button click). */
  async postEphemeral(channel: string, user: string, text: string): Promise<void> {
    try {
      await this.web.chat.postEphemeral({ channel, user, text: wellFormed(text) });
    } catch (err) {
      throw toProviderError(err, 'answering the analyst');
    }
  }

  /** The members of a user group (for the allow-list of who may close alerts). */
  async userGroupMembers(groupId: string): Promise<string[]> {
    try {
      const res = await this.web.usergroups.users.list({ usergroup: groupId });
      return res.users ?? [];
    } catch (err) {
      throw toProviderError(err, 'reading a user group');
    }
  }

  /**
   * Finds the top-level message we posted for this alert since `oldest`, by its metadata. Used before a
   * retried post, so an attempt that timed out after Slack accepted the message never posts twice.
   */
  /** `beforePage` runs before each page is asked for (a caller's deadline check). */
  async findAlertMessage(channel: string, alertKey: string, oldest: Date, beforePage?: () => void): Promise<SlackMessageRef | undefined> {
    const found = await this.findInPages(
      'looking for an earlier post',
      (cursor) =>
        this.web.conversations.history({ channel, oldest: (Math.floor(oldest.getTime() / 1000) - 60).toString(), include_all_metadata: true, limit: 200, cursor }),
      (m) => m.metadata?.event_type === ALERT_EVENT_TYPE && (m.metadata.event_payload as MessageMetadataEventPayloadObject | undefined)?.alert_key === alertKey && !!m.ts,
      beforePage,
    );
    return found?.ts ? { channel, ts: found.ts } : undefined;
  }

  /** The first message `match` picks, reading up to 20 pages of a cursor-paged listing (`beforePage` before each). */
  private async findInPages<M>(
    action: string,
    page: (cursor: string | undefined) => Promise<{ messages?: M[]; has_more?: boolean; response_metadata?: { next_cursor?: string } }>,
    match: (message: M) => boolean,
    beforePage?: () => void,
  ): Promise<M | undefined> {
    let cursor: string | undefined;
    for (let n = 0; n < 20; n++) {
      beforePage?.();
      let res;
      try {
        res = await page(cursor);
      } catch (err) {
        throw toProviderError(err, action);
      }
      const found = (res.messages ?? []).find(match);
      if (found) return found;
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!res.has_more || !cursor) return undefined;
    }
    return undefined;
  }

}
