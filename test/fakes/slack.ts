/**
 * Fake of the Slack Web API as `@slack/web-api`'s WebClient talks to it: `POST /api/{method}`, form-encoded
 * bodies (JSON bodies accepted too) with non-scalar arguments JSON-stringified into fields, the token in
 * `Authorization: Bearer`, and every answer an HTTP 200 `{ok, ...}` (except injected faults such as 429).
 * Point the client at `slackApiUrl: ${url}/api/`.
 */
import { createHash, createHmac } from 'node:crypto';
import { HttpFake, isRecord, tryParseJson, type FakeRequest, type FakeResponse, type HttpFakeOptions } from './http-fake';

export interface SlackFakeOptions extends HttpFakeOptions {
  token: string;
  /** Channel ids or names (with or without `#`) that answer `channel_not_found`. */
  unknownChannels?: Iterable<string>;
  /** Fixed name → id mappings; other names map to a stable id derived from the name. */
  channels?: Record<string, string>;
  /** Workspace sub-domain for permalinks: `https://<teamDomain>.slack.com/...`. Default `fake`. */
  teamDomain?: string;
  /**
   * The OAuth scopes the bot token was granted; a method needing one it lacks answers `missing_scope`.
   * Default: every scope the fake's methods need.
   */
  scopes?: Iterable<string>;
}

export type SlackBlock = Record<string, unknown> & { type: string };

export interface SlackMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface SlackEdit {
  /** The `edited.ts` Slack reports for this edit. */
  ts: string;
  at: number;
  text: string;
  blocks?: SlackBlock[];
}

/** A stored message: what was posted, as the fake understood it (blocks and metadata parsed). */
export interface SlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: SlackBlock[];
  attachments?: unknown[];
  metadata?: SlackMetadata;
  /** Set on thread replies only (a parent's own ts is not copied here). */
  thread_ts?: string;
  reply_broadcast: boolean;
  /** Reaction names added with reactions.add. */
  reactions: string[];
  /** One entry per chat.update, oldest first, holding the content that update set. */
  edits: SlackEdit[];
  postedAt: number;
}

type Args = Record<string, unknown>;
type SlackResult = Record<string, unknown>;
type MethodHandler = (args: Args) => SlackResult;

export const SLACK_FAKE_IDS = { team: 'T0FAKE', user: 'U0FAKEBOT', bot: 'B0FAKE', app: 'A0FAKE' } as const;

const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;
const TS = /^(\d+)(?:\.(\d{1,6}))?$/;
const MAX_TEXT = 40_000;
const BLOCK_TYPES = new Set(['section', 'header', 'divider', 'context', 'actions', 'image', 'rich_text', 'input', 'file', 'video', 'markdown']);

/** `X-Slack-Signature`/`X-Slack-Request-Timestamp` headers for a request body signed with `secret`. */
export function signSlackRequest(secret: string, rawBody: string, timestampSec = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`v0:${timestampSec}:${rawBody}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestampSec), 'x-slack-signature': `v0=${signature}` };
}

const fail = (error: string, extra: SlackResult = {}): SlackResult => ({ ok: false, error, ...extra });

/** Bot-token scopes each method accepts (any one suffices), from the methods' reference pages. */
const METHOD_SCOPES: Record<string, readonly string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'conversations.history': ['channels:history', 'groups:history', 'mpim:history', 'im:history'],
  'conversations.replies': ['channels:history', 'groups:history', 'mpim:history', 'im:history'],
  'conversations.info': ['channels:read', 'groups:read', 'mpim:read', 'im:read'],
  'reactions.add': ['reactions:write'],
  'usergroups.users.list': ['usergroups:read'],
};
const ALL_SCOPES = [...new Set(Object.values(METHOD_SCOPES).flat())];

// ---- argument decoding: form fields are strings; JSON bodies keep their types ----

function str(args: Args, key: string): string | undefined {
  const v = args[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function flag(args: Args, key: string): boolean {
  const v = args[key];
  return v === true || v === 1 || v === 'true' || v === '1';
}

/** A non-scalar argument: JSON-stringified in a form field, or already structured in a JSON body. */
function structured(args: Args, key: string): { present: false } | { present: true; valid: boolean; value: unknown } {
  const v = args[key];
  if (v === undefined || v === '') return { present: false };
  if (typeof v !== 'string') return { present: true, valid: true, value: v };
  const parsed = tryParseJson(v);
  return parsed.ok ? { present: true, valid: true, value: parsed.value } : { present: true, valid: false, value: v };
}

// ---- timestamps ----

function formatTs(micros: number): string {
  return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
}

function parseTs(ts: string): number | undefined {
  const m = TS.exec(ts);
  if (!m) return undefined;
  return Number(m[1]) * 1e6 + Number((m[2] ?? '').padEnd(6, '0'));
}

/** Slack's history cursors are base64("next_ts:<ts without dot>"). */
function encodeCursor(micros: number): string {
  return Buffer.from(`next_ts:${micros}`).toString('base64');
}

function decodeCursor(cursor: string): number | undefined {
  const m = /^next_ts:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}

// ---- Block Kit validation (limits from docs.slack.dev / @slack/types) ----

function textObjectErrors(value: unknown, ptr: string, max: number, plainOnly = false): string[] {
  if (!isRecord(value)) return [`must be a text object [json-pointer:${ptr}]`];
  const allowed = plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
  if (typeof value['type'] !== 'string' || !allowed.includes(value['type'])) {
    return [`must be one of ${allowed.join(', ')} [json-pointer:${ptr}/type]`];
  }
  if ('verbatim' in value && (value['type'] !== 'mrkdwn' || typeof value['verbatim'] !== 'boolean')) {
    return [`verbatim is only a boolean of mrkdwn text [json-pointer:${ptr}/verbatim]`];
  }
  const text = value['text'];
  if (typeof text !== 'string' || text.length === 0) return [`must be more than 0 characters [json-pointer:${ptr}/text]`];
  if (text.length > max) return [`must be less than ${max + 1} characters [json-pointer:${ptr}/text]`];
  return [];
}

function elementsErrors(value: unknown, ptr: string, max: number): string[] {
  if (!Array.isArray(value) || value.length === 0) return [`must provide at least 1 element [json-pointer:${ptr}]`];
  if (value.length > max) return [`no more than ${max} items allowed [json-pointer:${ptr}]`];
  return value.flatMap((el: unknown, i) =>
    isRecord(el) && typeof el['type'] === 'string' ? elementErrors(el, `${ptr}/${i}`) : [`must provide a type [json-pointer:${ptr}/${i}]`],
  );
}

function elementErrors(el: Record<string, unknown>, ptr: string): string[] {
  if (el['type'] !== 'button') return [];
  const errors = textObjectErrors(el['text'], `${ptr}/text`, 75, true);
  const limits: Array<[string, number]> = [['action_id', 255], ['value', 2000], ['url', 3000]];
  for (const [key, max] of limits) {
    const v = el[key];
    if (v !== undefined && (typeof v !== 'string' || v.length > max)) {
      errors.push(`must be a string of at most ${max} characters [json-pointer:${ptr}/${key}]`);
    }
  }
  const style = el['style'];
  if (style !== undefined && style !== 'primary' && style !== 'danger') errors.push(`must be primary or danger [json-pointer:${ptr}/style]`);
  return errors;
}

function sectionErrors(block: Record<string, unknown>, ptr: string): string[] {
  const { text, fields } = block;
  if (text === undefined && fields === undefined) return [`must provide either text or fields [json-pointer:${ptr}]`];
  const errors = text === undefined ? [] : textObjectErrors(text, `${ptr}/text`, 3000);
  if (fields !== undefined) {
    if (!Array.isArray(fields) || fields.length === 0) errors.push(`must provide at least 1 field [json-pointer:${ptr}/fields]`);
    else if (fields.length > 10) errors.push(`no more than 10 items allowed [json-pointer:${ptr}/fields]`);
    else fields.forEach((f: unknown, i) => errors.push(...textObjectErrors(f, `${ptr}/fields/${i}`, 2000)));
  }
  return errors;
}

function blockErrors(block: unknown, ptr: string, blockIds: Set<string>): string[] {
  if (!isRecord(block) || typeof block['type'] !== 'string') return [`must provide a type [json-pointer:${ptr}/type]`];
  const type = block['type'];
  if (!BLOCK_TYPES.has(type)) return [`unsupported type: ${type} [json-pointer:${ptr}/type]`];
  const errors: string[] = [];
  const blockId = block['block_id'];
  if (blockId !== undefined) {
    if (typeof blockId !== 'string' || blockId.length === 0 || blockId.length > 255) errors.push(`invalid block_id [json-pointer:${ptr}/block_id]`);
    else if (blockIds.has(blockId)) errors.push(`duplicate block_id [json-pointer:${ptr}/block_id]`);
    else blockIds.add(blockId);
  }
  if (type === 'header') errors.push(...textObjectErrors(block['text'], `${ptr}/text`, 150, true));
  if (type === 'section') errors.push(...sectionErrors(block, ptr));
  if (type === 'context') errors.push(...elementsErrors(block['elements'], `${ptr}/elements`, 10));
  if (type === 'actions') errors.push(...elementsErrors(block['elements'], `${ptr}/elements`, 25));
  return errors;
}

/**
 * Slack refuses a message whose blocks hold more than about 13k characters of text in all, each block
 * within its own limits or not (reference/apis.md §3.3: bolt-js #2509).
 */
export const MAX_BLOCKS_TEXT = 13_000;

/** The characters of every `text` string in the blocks, at any depth. */
export function blocksTextLength(blocks: unknown): number {
  if (Array.isArray(blocks)) return blocks.reduce((n: number, b) => n + blocksTextLength(b), 0);
  if (!blocks || typeof blocks !== 'object') return 0;
  return Object.entries(blocks).reduce((n: number, [k, v]) => n + (k === 'text' && typeof v === 'string' ? v.length : blocksTextLength(v)), 0);
}

/** Error strings in Slack's `invalid_blocks` format; empty when the blocks are valid. */
export function validateBlocks(blocks: unknown[]): string[] {
  if (blocks.length > 50) return ['no more than 50 items allowed [json-pointer:/blocks]'];
  const blockIds = new Set<string>();
  return blocks.flatMap((b, i) => blockErrors(b, `/blocks/${i}`, blockIds));
}

function parseMetadata(value: unknown): SlackMetadata | undefined {
  if (!isRecord(value) || typeof value['event_type'] !== 'string' || !isRecord(value['event_payload'])) return undefined;
  return { event_type: value['event_type'], event_payload: value['event_payload'] };
}

export class SlackFake extends HttpFake {
  readonly name = 'slack';
  readonly token: string;
  readonly teamDomain: string;
  /** Mutable: add ids or names to make them `channel_not_found`. */
  readonly unknownChannels: Set<string>;
  /** Mutable: the token's scopes (delete one to make the methods that need it answer `missing_scope`). */
  readonly scopes: Set<string>;
  private readonly initialScopes: readonly string[];

  private readonly fixedChannels: Map<string, string>;
  private channelNames = new Map<string, string>();
  private posts: SlackMessage[] = [];
  private lastMicros = 0;
  private blockIdCounter = 0;
  private readonly methods: Record<string, MethodHandler> = {
    'auth.test': () => this.authTest(),
    'chat.postMessage': (a) => this.postMessage(a),
    'chat.update': (a) => this.update(a),
    'chat.getPermalink': (a) => this.getPermalink(a),
    'conversations.history': (a) => this.history(a),
    'conversations.replies': (a) => this.repliesMethod(a),
    'conversations.info': (a) => this.conversationInfo(a),
    'reactions.add': (a) => this.addReaction(a),
    'chat.postEphemeral': (a) => this.postEphemeral(a),
    'usergroups.users.list': (a) => this.userGroupUsers(a),
  };
  /** Messages only one user saw (`chat.postEphemeral`). */
  ephemerals: Array<{ channel: string; user: string; text: string; at: number }> = [];
  /** User group id → member ids, for `usergroups.users.list`. */
  readonly userGroups = new Map<string, string[]>();

  constructor(options: SlackFakeOptions) {
    super(options);
    this.token = options.token;
    this.teamDomain = options.teamDomain ?? 'fake';
    this.unknownChannels = new Set(options.unknownChannels ?? []);
    this.initialScopes = [...(options.scopes ?? ALL_SCOPES)];
    this.scopes = new Set(this.initialScopes);
    this.fixedChannels = new Map(Object.entries(options.channels ?? {}).map(([name, id]) => [normalizeName(name), id]));
  }

  /** The `slackApiUrl` for WebClient (ends with `/api/`). */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** Called with every message stored by chat.postMessage (before the fake's latency delays the answer). */
  onPost?: (message: SlackMessage) => void;

  /** Top-level messages (not thread replies), in posting order. */
  get messages(): SlackMessage[] {
    return this.posts.filter((m) => m.thread_ts === undefined);
  }

  /** Replies in the thread whose parent has `ts`, oldest first. */
  replies(ts: string): SlackMessage[] {
    return this.posts.filter((m) => m.thread_ts === ts);
  }

  /** Every chat.postMessage that succeeded, thread replies included, in order. */
  allPosts(): SlackMessage[] {
    return [...this.posts];
  }

  /** The channel id a name (`#soc`, `soc`) maps to; ids are returned unchanged. */
  channelId(nameOrId: string): string {
    if (CHANNEL_ID.test(nameOrId)) return nameOrId;
    const name = normalizeName(nameOrId);
    const fixed = this.fixedChannels.get(name);
    if (fixed) return fixed;
    return `C${createHash('sha1').update(name).digest('hex').slice(0, 10).toUpperCase()}`;
  }

  protected override async handle(req: FakeRequest): Promise<FakeResponse> {
    const method = /^\/api\/([A-Za-z0-9_.]+)$/.exec(req.path)?.[1];
    if (method === undefined) return { status: 404, headers: { 'content-type': 'text/html' }, body: '<html><body>Not Found</body></html>' };
    const body = this.call(method, req);
    // Slack reports the token's scopes, and on missing_scope the ones that would do, in headers too.
    const headers: Record<string, string> = { 'x-oauth-scopes': [...this.scopes].join(',') };
    if (body['error'] === 'missing_scope') headers['x-accepted-oauth-scopes'] = String(body['needed']);
    return { status: 200, headers, body };
  }

  private call(method: string, req: FakeRequest): SlackResult {
    const handler = this.methods[method];
    if (!handler) return fail('unknown_method', { req_method: method });
    const args = parseArgs(req);
    if (!args) return fail('invalid_json');
    const authError = this.authError(req, args);
    if (authError) return fail(authError);
    const needed = METHOD_SCOPES[method] ?? [];
    if (needed.length > 0 && !needed.some((scope) => this.scopes.has(scope))) {
      return fail('missing_scope', { needed: needed.join(','), provided: [...this.scopes].join(',') });
    }
    return handler(args);
  }

  private authError(req: FakeRequest, args: Args): string | undefined {
    const header = req.headers['authorization'];
    const token = header !== undefined ? /^Bearer\s+(.+)$/i.exec(header)?.[1] : str(args, 'token');
    if (token === undefined || token === '') return 'not_authed';
    return token === this.token ? undefined : 'invalid_auth';
  }

  // ---- channels and messages ----

  /** Resolves a channel argument; names are accepted only where Slack accepts them (chat.postMessage). */
  private resolveChannel(raw: string | undefined, allowNames: boolean): string | undefined {
    if (raw === undefined || raw === '') return undefined;
    if (!allowNames && !CHANNEL_ID.test(raw)) return undefined;
    const id = this.channelId(raw);
    const name = normalizeName(raw);
    if ([raw, id, name, `#${name}`].some((c) => this.unknownChannels.has(c))) return undefined;
    if (!CHANNEL_ID.test(raw)) this.channelNames.set(id, name);
    return id;
  }

  private find(channel: string, ts: string | undefined): SlackMessage | undefined {
    return this.posts.find((m) => m.channel === channel && m.ts === ts);
  }

  private nextTs(): string {
    this.lastMicros = Math.max(Date.now() * 1000, this.lastMicros + 1);
    return formatTs(this.lastMicros);
  }

  /** Slack fills in a `block_id` on blocks that have none. */
  private withBlockIds(blocks: SlackBlock[]): SlackBlock[] {
    return blocks.map((b) => (b['block_id'] === undefined ? { ...b, block_id: `fk${(++this.blockIdCounter).toString(36)}` } : b));
  }

  /** Decodes and validates `blocks`; returns the blocks or a Slack error result. */
  private readBlocks(args: Args): { blocks?: SlackBlock[]; error?: SlackResult } {
    const raw = structured(args, 'blocks');
    if (!raw.present) return {};
    if (!raw.valid || !Array.isArray(raw.value)) return { error: fail('invalid_blocks_format') };
    const errors = validateBlocks(raw.value);
    if (errors.length > 0) return { error: fail('invalid_blocks', { errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } }) };
    if (blocksTextLength(raw.value) > MAX_BLOCKS_TEXT) return { error: fail('msg_blocks_too_long') };
    return { blocks: this.withBlockIds(raw.value as SlackBlock[]) };
  }

  private readMetadata(args: Args): { metadata?: SlackMetadata; error?: SlackResult } {
    const raw = structured(args, 'metadata');
    if (!raw.present) return {};
    if (!raw.valid) return { error: fail('invalid_metadata_format') };
    const metadata = parseMetadata(raw.value);
    return metadata ? { metadata } : { error: fail('invalid_metadata_schema') };
  }

  private render(m: SlackMessage, includeMetadata: boolean): SlackResult {
    const replies = m.thread_ts === undefined ? this.replies(m.ts) : [];
    const lastEdit = m.edits[m.edits.length - 1];
    return {
      type: 'message',
      ...(m.thread_ts !== undefined && m.reply_broadcast ? { subtype: 'thread_broadcast' } : {}),
      text: m.text,
      user: SLACK_FAKE_IDS.user,
      bot_id: SLACK_FAKE_IDS.bot,
      app_id: SLACK_FAKE_IDS.app,
      team: SLACK_FAKE_IDS.team,
      ts: m.ts,
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(m.attachments ? { attachments: m.attachments } : {}),
      ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts, parent_user_id: SLACK_FAKE_IDS.user } : {}),
      ...(replies.length > 0 ? this.threadSummary(m, replies) : {}),
      ...(lastEdit ? { edited: { user: SLACK_FAKE_IDS.user, ts: lastEdit.ts } } : {}),
      ...(m.reactions.length > 0 ? { reactions: m.reactions.map((name) => ({ name, users: [SLACK_FAKE_IDS.user], count: 1 })) } : {}),
      ...(includeMetadata && m.metadata ? { metadata: m.metadata } : {}),
    };
  }

  /** The thread fields Slack adds to a parent message that has replies. */
  private threadSummary(parent: SlackMessage, replies: SlackMessage[]): SlackResult {
    return {
      thread_ts: parent.ts,
      reply_count: replies.length,
      reply_users_count: 1,
      reply_users: [SLACK_FAKE_IDS.user],
      latest_reply: replies[replies.length - 1]?.ts,
    };
  }

  // ---- methods ----

  private authTest(): SlackResult {
    return {
      ok: true,
      url: `https://${this.teamDomain}.slack.com/`,
      team: 'Fake Workspace',
      user: 'autotriage',
      team_id: SLACK_FAKE_IDS.team,
      user_id: SLACK_FAKE_IDS.user,
      bot_id: SLACK_FAKE_IDS.bot,
      is_enterprise_install: false,
    };
  }

  private postMessage(args: Args): SlackResult {
    const channel = this.resolveChannel(str(args, 'channel'), true);
    if (!channel) return fail('channel_not_found');
    const text = str(args, 'text') ?? '';
    const { blocks, error: blocksError } = this.readBlocks(args);
    if (blocksError) return blocksError;
    const attachments = structured(args, 'attachments');
    if (attachments.present && (!attachments.valid || !Array.isArray(attachments.value))) return fail('invalid_attachments');
    if (text === '' && !blocks?.length && !attachments.present) return fail('no_text');
    if (text.length > MAX_TEXT) return fail('msg_too_long');
    const { metadata, error: metadataError } = this.readMetadata(args);
    if (metadataError) return metadataError;

    const threadTs = str(args, 'thread_ts');
    if (threadTs !== undefined && parseTs(threadTs) === undefined) return fail('invalid_thread_ts');
    const message: SlackMessage = {
      channel,
      ts: this.nextTs(),
      text,
      ...(blocks ? { blocks } : {}),
      ...(attachments.present ? { attachments: attachments.value as unknown[] } : {}),
      ...(metadata ? { metadata } : {}),
      // A reply to a reply lands in the root's thread.
      ...(threadTs !== undefined ? { thread_ts: this.find(channel, threadTs)?.thread_ts ?? threadTs } : {}),
      reply_broadcast: threadTs !== undefined && flag(args, 'reply_broadcast'),
      reactions: [],
      edits: [],
      postedAt: Date.now(),
    };
    this.posts.push(message);
    this.onPost?.(message);
    return { ok: true, channel, ts: message.ts, message: this.render(message, true) };
  }

  private update(args: Args): SlackResult {
    const channel = this.resolveChannel(str(args, 'channel'), false);
    if (!channel) return fail('channel_not_found');
    const message = this.find(channel, str(args, 'ts'));
    if (!message) return fail('message_not_found');
    const text = str(args, 'text');
    const { blocks, error: blocksError } = this.readBlocks(args);
    if (blocksError) return blocksError;
    if (text === undefined && blocks === undefined && !structured(args, 'attachments').present) return fail('no_text');
    if (text !== undefined && text.length > MAX_TEXT) return fail('msg_too_long');
    const { metadata, error: metadataError } = this.readMetadata(args);
    if (metadataError) return metadataError;

    if (text !== undefined) message.text = text;
    if (blocks !== undefined) message.blocks = blocks;
    if (metadata) message.metadata = metadata;
    message.edits.push({ ts: this.nextTs(), at: Date.now(), text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) });
    return { ok: true, channel, ts: message.ts, text: message.text, message: this.render(message, true) };
  }

  private postEphemeral(args: Args): SlackResult {
    const channel = this.resolveChannel(str(args, 'channel'), true);
    if (!channel) return fail('channel_not_found');
    const user = str(args, 'user');
    if (!user) return fail('user_not_in_channel');
    const text = str(args, 'text');
    if (!text) return fail('no_text');
    this.ephemerals.push({ channel, user, text, at: Date.now() });
    return { ok: true, message_ts: this.nextTs() };
  }

  private userGroupUsers(args: Args): SlackResult {
    const members = this.userGroups.get(str(args, 'usergroup') ?? '');
    return members ? { ok: true, users: members } : fail('no_such_subteam');
  }

  private getPermalink(args: Args): SlackResult {
    const channel = this.resolveChannel(str(args, 'channel'), false);
    if (!channel) return fail('channel_not_found');
    const message = this.find(channel, str(args, 'message_ts'));
    if (!message) return fail('message_not_found');
    const base = `https://${this.teamDomain}.slack.com/archives/${channel}/p${message.ts.replace('.', '')}`;
    const permalink = message.thread_ts !== undefined ? `${base}?thread_ts=${message.thread_ts}&cid=${channel}` : base;
    return { ok: true, channel, permalink };
  }

  private history(args: Args): SlackResult {
    const channel = this.resolveChannel(str(args, 'channel'), false);
    if (!channel) return fail('channel_not_found');
    const oldest = parseTs(str(args, 'oldest') || '0');
    if (oldest === undefined) return fail('invalid_ts_oldest');
    const latestArg = str(args, 'latest');
    const latest = latestArg ? parseTs(latestArg) : Number.MAX_SAFE_INTEGER;
    if (latest === undefined) return fail('invalid_ts_latest');
    const inclusive = flag(args, 'inclusive');

    const inRange = this.posts
      .filter((m) => m.channel === channel && (m.thread_ts === undefined || m.reply_broadcast))
      .filter((m) => {
        const t = parseTs(m.ts) ?? 0;
        return inclusive ? t >= oldest && t <= latest : t > oldest && t < latest;
      })
      .reverse();
    return this.page(inRange, args, 'desc', (m) => this.render(m, flag(args, 'include_all_metadata')));
  }

  private repliesMethod(args: Args): SlackResult {
    const channel = this.resolveChannel(str(args, 'channel'), false);
    if (!channel) return fail('channel_not_found');
    const message = this.find(channel, str(args, 'ts'));
    if (!message) return fail('thread_not_found');
    const root = message.thread_ts !== undefined ? this.find(channel, message.thread_ts) : message;
    const thread = root ? [root, ...this.replies(root.ts)] : [message];
    return this.page(thread, args, 'asc', (m) => this.render(m, flag(args, 'include_all_metadata')));
  }

  /** Cursor paging over an already ordered list (`desc`: newest first, as history; `asc`: as replies). */
  private page(list: SlackMessage[], args: Args, order: 'asc' | 'desc', render: (m: SlackMessage) => SlackResult): SlackResult {
    const limitArg = Number(str(args, 'limit') ?? '0');
    const limit = Number.isInteger(limitArg) && limitArg > 0 ? Math.min(limitArg, 999) : 100;
    const cursorArg = str(args, 'cursor');
    const cursor = cursorArg ? decodeCursor(cursorArg) : undefined;
    if (cursorArg && cursor === undefined) return fail('invalid_cursor');

    const from = cursor === undefined ? list : list.filter((m) => {
      const t = parseTs(m.ts) ?? 0;
      return order === 'desc' ? t <= cursor : t >= cursor;
    });
    const pageItems = from.slice(0, limit);
    const next = from[limit];
    return {
      ok: true,
      messages: pageItems.map(render),
      has_more: next !== undefined,
      ...(order === 'desc' ? { pin_count: 0, channel_actions_ts: null, channel_actions_count: 0 } : {}),
      ...(next !== undefined ? { response_metadata: { next_cursor: encodeCursor(parseTs(next.ts) ?? 0) } } : {}),
    };
  }

  private conversationInfo(args: Args): SlackResult {
    const id = this.resolveChannel(str(args, 'channel'), false);
    if (!id) return fail('channel_not_found');
    const name = this.channelNames.get(id) ?? id.toLowerCase();
    return { ok: true, channel: { id, name, is_channel: !id.startsWith('D'), is_private: id.startsWith('G'), is_member: true, is_archived: false } };
  }

  private addReaction(args: Args): SlackResult {
    const channel = this.resolveChannel(str(args, 'channel'), false);
    if (!channel) return fail('channel_not_found');
    const timestamp = str(args, 'timestamp');
    if (timestamp === undefined) return fail('no_item_specified');
    const name = str(args, 'name');
    if (!name || /[:\s]/.test(name)) return fail('invalid_name');
    const message = this.find(channel, timestamp);
    if (!message) return fail('message_not_found');
    if (message.reactions.includes(name)) return fail('already_reacted');
    message.reactions.push(name);
    return { ok: true };
  }

  protected override faultBody(status: number): object {
    return status === 429 ? { ok: false, error: 'ratelimited' } : { ok: false, error: 'fatal_error' };
  }

  protected override resetState(): void {
    this.posts = [];
    this.ephemerals = [];
    this.userGroups.clear();
    this.scopes.clear();
    for (const scope of this.initialScopes) this.scopes.add(scope);
    this.channelNames.clear();
    this.blockIdCounter = 0;
  }

  override snapshot(): object {
    return { messages: this.posts, channelNames: Object.fromEntries(this.channelNames), unknownChannels: [...this.unknownChannels] };
  }
}

function normalizeName(name: string): string {
  return name.replace(/^#/, '').toLowerCase();
}

/** Query-string and body arguments; undefined when a JSON body does not parse to an object. */
function parseArgs(req: FakeRequest): Args | undefined {
  const args: Args = { ...req.query };
  if (req.body === '') return args;
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    const parsed = tryParseJson(req.body);
    return parsed.ok && isRecord(parsed.value) ? { ...args, ...parsed.value } : undefined;
  }
  for (const [key, value] of new URLSearchParams(req.body)) args[key] = value;
  return args;
}
