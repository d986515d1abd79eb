/**
 * Fake of Panther's public API as autotriage's client talks to it (reference/panther.md §2):
 *
 * - GraphQL at `POST /public/graphql` (point the client at `${url}/public/graphql`), `X-API-Key` auth,
 *   bodies `{"query", "variables", "operationName"}`. Root fields: `executeDataLakeQuery`,
 *   `executeIndicatorSearchQuery`, `dataLakeQuery` (with `results(input: {cursor, pageSize})`),
 *   `cancelDataLakeQuery`, `alert` (with `events(input: {cursor, pageSize})`), `alerts(input: {createdAtAfter,
 *   createdAtBefore, cursor, pageSize, sortBy, sortDir})`, `updateAlertStatusById`,
 *   `createAlertComment`. The query text is read by a small hand-written GraphQL reader (no library), checked
 *   against the subset of Panther's SDL below (unknown fields, missing sub-selections and undefined variables
 *   are rejected as a real server would), and the answer holds exactly the selected fields, aliases and
 *   inline fragments (`origin { ... on Detection { id name } }`) included.
 * - REST on the host root (`${url}`, reference §2.1 "REST base"): `GET /alert-comments?alert-id=&limit=&cursor=`,
 *   `POST /alert-comments`, `PATCH /alerts` (204), shapes from Panther's OpenAPI spec (MCP
 *   `docs/panther_open_api_v3_spec.yaml`).
 *
 * Data lake and indicator queries run a scripted lifecycle: each starts `running`, answers `running` to its
 * first `pollsUntilDone` reads of `dataLakeQuery` and then `succeeded` (or `failed` with the responder's
 * message); `neverFinishes` keeps it running until it is cancelled. Rows come from the pluggable `respond`.
 *
 * Unverified against a live Panther (marked where they occur): the exact 401 body, the GraphQL error
 * messages, and the REST error bodies. Errors follow standard GraphQL-over-HTTP: HTTP 200 with
 * `{"errors":[{"message","path"}]}` (plus `"data": null` when execution started).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { HttpFake, isRecord, tryParseJson, type FakeRequest, type FakeResponse, type HttpFakeOptions } from './http-fake';

// ---------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------

export const PANTHER_GRAPHQL_PATH = '/public/graphql';

/** `DataLakeQueryStatus`: lower-case in Panther's SDL (unlike `AlertStatus`). */
export type DataLakeQueryStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';
export const PANTHER_ALERT_STATUSES = ['OPEN', 'TRIAGED', 'RESOLVED', 'CLOSED'] as const;
export type PantherAlertStatus = (typeof PANTHER_ALERT_STATUSES)[number];
export const PANTHER_SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type PantherSeverity = (typeof PANTHER_SEVERITIES)[number];
export const PANTHER_COMMENT_FORMATS = ['PLAIN_TEXT', 'HTML'] as const;
export type PantherCommentFormat = (typeof PANTHER_COMMENT_FORMATS)[number];
export const PANTHER_INDICATOR_TYPES = [
  'AutoDetectType', 'SimpleSearch', 'TextSearch', 'p_any_actor_ids', 'p_any_aws_account_ids', 'p_any_aws_arns',
  'p_any_aws_instance_ids', 'p_any_aws_tags', 'p_any_domain_names', 'p_any_emails', 'p_any_ip_addresses',
  'p_any_mac_addresses', 'p_any_md5_hashes', 'p_any_serial_numbers', 'p_any_sha1_hashes', 'p_any_sha256_hashes',
  'p_any_trace_ids', 'p_any_usernames',
] as const;

export type PantherRow = Record<string, unknown>;

/** What the responder is asked: the SQL (data lake query) or the indicator-search input as sent. */
export interface PantherQueryRequest {
  kind: 'sql' | 'indicator';
  sql?: string;
  /** The mutation's `input` argument after coercion (`{sql, databaseName?}` or the indicator search input). */
  input: unknown;
}

/** Per-query lifecycle overrides a responder may return alongside rows or an error. */
export interface PantherQueryBehaviour {
  /** Reads of `dataLakeQuery` that answer `running` before the query completes (default: the fake's). */
  pollsUntilDone?: number;
  /** Keep this query running until it is cancelled. */
  neverFinishes?: boolean;
}

/** Rows (the query succeeds), or an error (the query fails with it as `message`). */
export type PantherQueryOutcome =
  | PantherRow[]
  | ({ rows: PantherRow[] } & PantherQueryBehaviour)
  | ({ error: string } & PantherQueryBehaviour);

/** Called once per executed query, when it is executed. Throwing fails the query with the error's message. */
export type PantherResponder = (q: PantherQueryRequest) => PantherQueryOutcome | Promise<PantherQueryOutcome>;

export interface PantherFakeOptions extends HttpFakeOptions {
  /** The only `X-API-Key` accepted. */
  apiKey: string;
  /** Default: every query succeeds with no rows. */
  respond?: PantherResponder;
  /** Reads of `dataLakeQuery` that answer `running` before a query completes. Default 2; 0 = done at once. */
  pollsUntilDone?: number;
  /** Keep every query running until cancelled (until switched off again). Default false. */
  neverFinishes?: boolean;
  /**
   * Treat unknown alert ids in `updateAlertStatusById`, `createAlertComment` and the REST routes as existing
   * (a default alert is created). Default false: they fail with "alert not found". `alert(id)` never creates.
   */
  autoCreateAlerts?: boolean;
  /** The largest page of query results served, whatever the client asks (Panther's is 999): small, to make clients page. */
  resultsPageMax?: number;
}

/** One executed data lake / indicator search query. Mutating `pollsUntilDone`/`neverFinishes` is supported. */
export interface PantherQueryRecord {
  id: string;
  kind: 'sql' | 'indicator';
  sql?: string;
  databaseName?: string;
  input: unknown;
  status: DataLakeQueryStatus;
  message: string;
  /** Reads of `dataLakeQuery` for this id so far (every read counts, result pages included). */
  polls: number;
  /** Result pages served after the first (reads with a cursor). */
  pagesAfterFirst: number;
  pollsUntilDone: number;
  neverFinishes: boolean;
  /** True once `cancelDataLakeQuery` was called for it (whether or not it was still running). */
  cancelled: boolean;
  /** `Date.now()` at execution. */
  at: number;
  startedAt: string;
  completedAt: string | null;
  /** The responder's rows (also kept for a query that has not completed yet). */
  rows?: PantherRow[];
  /** The responder's error: becomes `message` when the query completes as `failed`. */
  error?: string;
}

export interface PantherCancellation {
  id: string;
  at: number;
  statusBefore: DataLakeQueryStatus;
}

export interface PantherComment {
  id: string;
  alertId: string;
  body: string;
  format: PantherCommentFormat;
  createdAt: string;
  at: number;
  via: 'graphql' | 'rest';
}

export interface PantherStatusUpdate {
  ids: string[];
  status: PantherAlertStatus;
  at: number;
  via: 'graphql' | 'rest';
}

export interface PantherAlert {
  id: string;
  title: string;
  severity: PantherSeverity;
  status: PantherAlertStatus;
  /** `AlertType`: RULE, POLICY, RULE_ERROR, SCHEDULED_RULE, ... */
  type: string;
  createdAt: string;
  updatedAt: string | null;
  description: string;
  reference: string;
  runbook: string;
  firstEventOccurredAt: string | null;
  lastReceivedEventAt: string;
  /** The detection (`origin { ... on Detection { id name } }`). */
  origin: { id: string; name: string };
  /** Served by `events(input: {cursor, pageSize})`, oldest first. */
  events: PantherRow[];
}

export type PantherAlertInput = Partial<Omit<PantherAlert, 'id'>> & { id: string };

// ---------------------------------------------------------------------------------------------------------
// A minimal GraphQL reader: tokenizer + recursive-descent parser for executable documents
// ---------------------------------------------------------------------------------------------------------

type ValueNode =
  | { kind: 'var'; name: string }
  | { kind: 'const'; value: unknown }
  | { kind: 'list'; items: ValueNode[] }
  | { kind: 'object'; fields: Array<[string, ValueNode]> };

interface DirectiveNode {
  name: string;
  args: Array<[string, ValueNode]>;
}

interface FieldNode {
  kind: 'field';
  alias?: string;
  name: string;
  args: Array<[string, ValueNode]>;
  directives: DirectiveNode[];
  selections?: SelectionNode[];
}

type SelectionNode =
  | FieldNode
  | { kind: 'inline'; typeCondition?: string; directives: DirectiveNode[]; selections: SelectionNode[] }
  | { kind: 'spread'; name: string; directives: DirectiveNode[] };

interface VariableDefinition {
  name: string;
  /** As written, e.g. `ExecuteDataLakeQueryInput!`. */
  type: string;
  defaultValue?: ValueNode;
}

interface OperationNode {
  operation: 'query' | 'mutation' | 'subscription';
  name?: string;
  variables: VariableDefinition[];
  selections: SelectionNode[];
}

interface FragmentNode {
  name: string;
  typeCondition: string;
  selections: SelectionNode[];
}

interface DocumentNode {
  operations: OperationNode[];
  fragments: Map<string, FragmentNode>;
}

interface Token {
  kind: 'punct' | 'name' | 'int' | 'float' | 'string' | 'eof';
  value: string;
}

class GraphQLSyntaxError extends Error {}

const TOKEN =
  /[\s,\uFEFF]+|#[^\n\r]*|\.\.\.|[!$&():=@[\]{|}]|[_A-Za-z][_0-9A-Za-z]*|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|"""[\s\S]*?"""|"(?:[^"\\\n\r]|\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4}))*"/y;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < source.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(source);
    if (!m) throw new GraphQLSyntaxError(`Syntax Error: Unexpected character ${JSON.stringify(source[pos])}.`);
    const text = m[0];
    pos = TOKEN.lastIndex;
    const first = text[0] ?? '';
    if (/[\s,\uFEFF#]/.test(first)) continue;
    if (text === '...' || (text.length === 1 && '!$&():=@[]{|}'.includes(first))) tokens.push({ kind: 'punct', value: text });
    else if (/[_A-Za-z]/.test(first)) tokens.push({ kind: 'name', value: text });
    else if (first === '"') {
      const value = text.startsWith('"""') ? text.slice(3, -3).trim() : (JSON.parse(text) as string);
      tokens.push({ kind: 'string', value });
    } else tokens.push({ kind: /[.eE]/.test(text) ? 'float' : 'int', value: text });
  }
  tokens.push({ kind: 'eof', value: '' });
  return tokens;
}

class Parser {
  private i = 0;
  private readonly tokens: Token[];

  constructor(source: string) {
    this.tokens = tokenize(source);
  }

  document(): DocumentNode {
    const doc: DocumentNode = { operations: [], fragments: new Map() };
    do {
      if (this.peekIs('name', 'fragment')) {
        const fragment = this.fragment();
        if (doc.fragments.has(fragment.name)) throw new GraphQLSyntaxError(`There can be only one fragment named "${fragment.name}".`);
        doc.fragments.set(fragment.name, fragment);
      } else doc.operations.push(this.operation());
    } while (this.peek().kind !== 'eof');
    return doc;
  }

  private peek(): Token {
    return this.tokens[this.i] ?? { kind: 'eof', value: '' };
  }

  private peekIs(kind: Token['kind'], value?: string): boolean {
    const t = this.peek();
    return t.kind === kind && (value === undefined || t.value === value);
  }

  private skip(kind: Token['kind'], value?: string): boolean {
    if (!this.peekIs(kind, value)) return false;
    this.i++;
    return true;
  }

  private expect(kind: Token['kind'], value?: string): Token {
    const t = this.peek();
    if (t.kind !== kind || (value !== undefined && t.value !== value)) {
      const found = t.kind === 'eof' ? '<EOF>' : JSON.stringify(t.value);
      throw new GraphQLSyntaxError(`Syntax Error: Expected ${value !== undefined ? JSON.stringify(value) : kind === 'name' ? 'Name' : kind}, found ${found}.`);
    }
    this.i++;
    return t;
  }

  private name(): string {
    return this.expect('name').value;
  }

  private operation(): OperationNode {
    if (this.peekIs('punct', '{')) return { operation: 'query', variables: [], selections: this.selectionSet() };
    const op = this.name();
    if (op !== 'query' && op !== 'mutation' && op !== 'subscription') {
      throw new GraphQLSyntaxError(`Syntax Error: Unexpected Name ${JSON.stringify(op)}.`);
    }
    const name = this.peekIs('name') ? this.name() : undefined;
    const variables: VariableDefinition[] = [];
    if (this.skip('punct', '(')) {
      do {
        this.expect('punct', '$');
        const varName = this.name();
        this.expect('punct', ':');
        const type = this.type();
        const defaultValue = this.skip('punct', '=') ? this.value() : undefined;
        this.directives();
        variables.push({ name: varName, type, ...(defaultValue ? { defaultValue } : {}) });
      } while (!this.skip('punct', ')'));
    }
    this.directives();
    return { operation: op, ...(name !== undefined ? { name } : {}), variables, selections: this.selectionSet() };
  }

  private fragment(): FragmentNode {
    this.expect('name', 'fragment');
    const name = this.name();
    this.expect('name', 'on');
    const typeCondition = this.name();
    this.directives();
    return { name, typeCondition, selections: this.selectionSet() };
  }

  private type(): string {
    let type: string;
    if (this.skip('punct', '[')) {
      type = `[${this.type()}]`;
      this.expect('punct', ']');
    } else type = this.name();
    return this.skip('punct', '!') ? `${type}!` : type;
  }

  private selectionSet(): SelectionNode[] {
    this.expect('punct', '{');
    const selections: SelectionNode[] = [];
    do selections.push(this.selection());
    while (!this.skip('punct', '}'));
    return selections;
  }

  private selection(): SelectionNode {
    if (this.skip('punct', '...')) {
      if (this.peekIs('name') && !this.peekIs('name', 'on')) return { kind: 'spread', name: this.name(), directives: this.directives() };
      const typeCondition = this.skip('name', 'on') ? this.name() : undefined;
      const directives = this.directives();
      return { kind: 'inline', ...(typeCondition !== undefined ? { typeCondition } : {}), directives, selections: this.selectionSet() };
    }
    let name = this.name();
    let alias: string | undefined;
    if (this.skip('punct', ':')) {
      alias = name;
      name = this.name();
    }
    const args = this.arguments();
    const directives = this.directives();
    const selections = this.peekIs('punct', '{') ? this.selectionSet() : undefined;
    return { kind: 'field', ...(alias !== undefined ? { alias } : {}), name, args, directives, ...(selections ? { selections } : {}) };
  }

  private arguments(): Array<[string, ValueNode]> {
    const args: Array<[string, ValueNode]> = [];
    if (!this.skip('punct', '(')) return args;
    do {
      const name = this.name();
      this.expect('punct', ':');
      args.push([name, this.value()]);
    } while (!this.skip('punct', ')'));
    return args;
  }

  private directives(): DirectiveNode[] {
    const directives: DirectiveNode[] = [];
    while (this.skip('punct', '@')) directives.push({ name: this.name(), args: this.arguments() });
    return directives;
  }

  private value(): ValueNode {
    const t = this.peek();
    if (this.skip('punct', '$')) return { kind: 'var', name: this.name() };
    if (this.skip('punct', '[')) {
      const items: ValueNode[] = [];
      while (!this.skip('punct', ']')) items.push(this.value());
      return { kind: 'list', items };
    }
    if (this.skip('punct', '{')) {
      const fields: Array<[string, ValueNode]> = [];
      while (!this.skip('punct', '}')) {
        const name = this.name();
        this.expect('punct', ':');
        fields.push([name, this.value()]);
      }
      return { kind: 'object', fields };
    }
    this.i++;
    switch (t.kind) {
      case 'int':
      case 'float':
        return { kind: 'const', value: Number(t.value) };
      case 'string':
        return { kind: 'const', value: t.value };
      case 'name':
        // true/false/null, or an enum value (kept as its name).
        return { kind: 'const', value: t.value === 'true' ? true : t.value === 'false' ? false : t.value === 'null' ? null : t.value };
      default:
        throw new GraphQLSyntaxError(`Syntax Error: Unexpected ${t.kind === 'eof' ? '<EOF>' : JSON.stringify(t.value)}.`);
    }
  }
}

function parseDocument(query: string): DocumentNode {
  return new Parser(query).document();
}

function selectOperation(doc: DocumentNode, operationName?: string | null): OperationNode | string {
  if (operationName) {
    return doc.operations.find((o) => o.name === operationName) ?? `Unknown operation named "${operationName}".`;
  }
  const [only, ...rest] = doc.operations;
  if (!only) return 'Must provide an operation.';
  return rest.length > 0 ? 'Must provide operation name if query contains multiple operations.' : only;
}

function firstField(selections: SelectionNode[], fragments: Map<string, FragmentNode>): FieldNode | undefined {
  for (const s of selections) {
    if (s.kind === 'field') return s;
    const nested = s.kind === 'inline' ? s.selections : fragments.get(s.name)?.selections;
    const found = nested ? firstField(nested, fragments) : undefined;
    if (found) return found;
  }
  return undefined;
}

/**
 * The root field an operation asks for (`executeDataLakeQuery`, `dataLakeQuery`, `alert`, ...): the first
 * field of the operation named `operationName` (or of the only operation). '' when the text does not parse.
 */
export function graphqlRoot(query: string, operationName?: string): string {
  try {
    const op = selectOperation(parseDocument(query), operationName);
    return typeof op === 'string' ? '' : (firstField(op.selections, new Map())?.name ?? '');
  } catch (err) {
    if (err instanceof GraphQLSyntaxError) return '';
    throw err;
  }
}

/** A fault `match` for GraphQL requests whose root field is `field`, e.g. `{ match: graphqlRootIs('dataLakeQuery'), status: 500 }`. */
export function graphqlRootIs(field: string): (req: FakeRequest) => boolean {
  return (req) => {
    const body = tryParseJson(req.body);
    if (!body.ok || !isRecord(body.value) || typeof body.value['query'] !== 'string') return false;
    const name = body.value['operationName'];
    return graphqlRoot(body.value['query'], typeof name === 'string' ? name : undefined) === field;
  };
}

// ---------------------------------------------------------------------------------------------------------
// The served subset of Panther's SDL (MCP docs/panther.graphql): type → field → named return type.
// Names absent from both maps are scalars or enums.
// ---------------------------------------------------------------------------------------------------------

const SCHEMA: Record<string, Record<string, string>> = {
  Query: { alert: 'Alert', alerts: 'AlertsOutput', dataLakeQuery: 'DataLakeQuery' },
  AlertsOutput: { edges: 'AlertsOutputEdge', pageInfo: 'CursorBasedPaginationPageInfo' },
  AlertsOutputEdge: { node: 'Alert' },
  Mutation: {
    executeDataLakeQuery: 'ExecuteDataLakeQueryOutput',
    executeIndicatorSearchQuery: 'ExecuteIndicatorSearchQueryOutput',
    cancelDataLakeQuery: 'CancelDataLakeQueryOutput',
    updateAlertStatusById: 'UpdateAlertStatusByIdOutput',
    createAlertComment: 'CreateAlertCommentOutput',
  },
  ExecuteDataLakeQueryOutput: { id: 'ID' },
  ExecuteIndicatorSearchQueryOutput: { id: 'ID' },
  CancelDataLakeQueryOutput: { id: 'ID' },
  DataLakeQuery: {
    id: 'ID', status: 'DataLakeQueryStatus', message: 'String', sql: 'String', startedAt: 'DateTime', completedAt: 'DateTime',
    name: 'String', isScheduled: 'Boolean', issuedBy: 'Actor', children: 'DataLakeQuery', results: 'DataLakeQueryResults',
  },
  DataLakeQueryResults: {
    edges: 'DataLakeQueryResultEdge', pageInfo: 'DataLakeQueryResultRecordsPageInfo', columnInfo: 'DataLakeQueryResultsColumnInfo',
    stats: 'DataLakeQueryStats', actorProfiles: 'ActorProfile', tryAgain: 'Boolean',
  },
  DataLakeQueryResultEdge: { id: 'String', node: 'JSON' },
  DataLakeQueryResultRecordsPageInfo: { endCursor: 'String', hasNextPage: 'Boolean', hasPreviousPage: 'Boolean', startCursor: 'String' },
  DataLakeQueryResultsColumnInfo: { order: 'String', types: 'JSON' },
  DataLakeQueryStats: { bytesScanned: 'Float', executionTime: 'Float', rowCount: 'Float' },
  ActorProfile: { entityId: 'String', emails: 'String', usernames: 'String', displayNames: 'String' },
  Alert: {
    id: 'ID', title: 'String', severity: 'Severity', status: 'AlertStatus', type: 'AlertType', createdAt: 'DateTime',
    updatedAt: 'DateTime', firstEventOccurredAt: 'DateTime', lastReceivedEventAt: 'DateTime', description: 'String',
    reference: 'String', runbook: 'String', assignee: 'User', updatedBy: 'Actor', origin: 'AlertOrigin',
    deliveries: 'AlertDelivery', events: 'AlertEventsOutput',
  },
  AlertEventsOutput: { edges: 'AlertEventsOutputEdge', pageInfo: 'CursorBasedPaginationPageInfo' },
  AlertEventsOutputEdge: { node: 'JSON' },
  CursorBasedPaginationPageInfo: { endCursor: 'String', hasNextPage: 'Boolean', hasPreviousPage: 'Boolean', startCursor: 'String' },
  AlertDelivery: {
    dispatchedAt: 'DateTime', label: 'String', message: 'String', outputId: 'ID', statusCode: 'Int', success: 'Boolean', url: 'String',
  },
  Detection: {
    id: 'ID', name: 'String', description: 'String', type: 'DetectionType', createdAt: 'DateTime', createdBy: 'Actor',
    updatedAt: 'DateTime', updatedBy: 'Actor',
  },
  DeletedDetection: { id: 'ID' },
  SystemError: { type: 'SystemErrorType', relatedComponent: 'JSON' },
  UpdateAlertStatusByIdOutput: { alerts: 'Alert' },
  CreateAlertCommentOutput: { comment: 'Comment' },
  Comment: { id: 'ID', body: 'String', createdAt: 'DateTime', createdBy: 'Actor', entity: 'CommentEntity', format: 'CommentFormat' },
  User: {
    id: 'ID', email: 'Email', givenName: 'String', familyName: 'String', enabled: 'Boolean', status: 'String',
    createdAt: 'DateTime', lastLoggedInAt: 'DateTime',
  },
  APIToken: {
    id: 'ID', name: 'String', createdAt: 'DateTime', expiresAt: 'DateTime', lastUsedAt: 'DateTime', allowedCIDRBlocks: 'String',
    permissions: 'Permission', updatedAt: 'DateTime',
  },
};

const UNIONS: Record<string, readonly string[]> = {
  Actor: ['APIToken', 'User'],
  AlertOrigin: ['DeletedDetection', 'Detection', 'SystemError'],
  CommentEntity: ['Alert'],
};

/** Which of Panther's listings (AlertsInput.type) an alert of this AlertType is in. */
function listingOf(type: string): 'ALERT' | 'DETECTION_ERROR' | 'SYSTEM_ERROR' {
  if (type === 'SYSTEM_ERROR') return 'SYSTEM_ERROR';
  return type.endsWith('_ERROR') ? 'DETECTION_ERROR' : 'ALERT';
}

function isComposite(type: string): boolean {
  return type in SCHEMA || type in UNIONS;
}

/** Whether an object of type `a` can also be of type `b` (same type, or one is a union holding the other). */
function overlaps(a: string, b: string): boolean {
  return a === b || (UNIONS[a]?.includes(b) ?? false) || (UNIONS[b]?.includes(a) ?? false);
}

// ---------------------------------------------------------------------------------------------------------
// Validation and execution
// ---------------------------------------------------------------------------------------------------------

/** A field error: the executor adds the path. */
class FieldError extends Error {}

interface GraphQLErrorOut {
  message: string;
  path?: Array<string | number>;
}

/** Resolved objects may hold functions for fields with arguments (`results`, `events`). */
type LazyField = (args: Record<string, unknown>) => unknown;

function valueVariables(v: ValueNode, out: Set<string>): void {
  if (v.kind === 'var') out.add(v.name);
  else if (v.kind === 'list') v.items.forEach((i) => valueVariables(i, out));
  else if (v.kind === 'object') v.fields.forEach(([, f]) => valueVariables(f, out));
}

function validateSelections(
  type: string,
  selections: SelectionNode[],
  doc: DocumentNode,
  errors: string[],
  usedVars: Set<string>,
  seenFragments: Set<string>,
): void {
  for (const s of selections) {
    for (const d of s.directives) d.args.forEach(([, v]) => valueVariables(v, usedVars));
    if (s.kind === 'field') {
      s.args.forEach(([, v]) => valueVariables(v, usedVars));
      if (s.name === '__typename') continue;
      const union = UNIONS[type];
      const fieldType = SCHEMA[type]?.[s.name];
      if (union) {
        errors.push(`Cannot query field "${s.name}" on type "${type}". Did you mean to use an inline fragment on "${union.join('", "')}"?`);
      } else if (fieldType === undefined) {
        errors.push(`Cannot query field "${s.name}" on type "${type}".`);
      } else if (isComposite(fieldType) && !s.selections) {
        errors.push(`Field "${s.name}" of type "${fieldType}" must have a selection of subfields. Did you mean "${s.name} { ... }"?`);
      } else if (!isComposite(fieldType) && s.selections) {
        errors.push(`Field "${s.name}" must not have a selection since type "${fieldType}" has no subfields.`);
      } else if (s.selections) {
        validateSelections(fieldType, s.selections, doc, errors, usedVars, seenFragments);
      }
      continue;
    }
    const fragment = s.kind === 'spread' ? doc.fragments.get(s.name) : undefined;
    if (s.kind === 'spread' && !fragment) {
      errors.push(`Unknown fragment "${s.name}".`);
      continue;
    }
    const condition = (s.kind === 'inline' ? s.typeCondition : fragment?.typeCondition) ?? type;
    if (!isComposite(condition)) errors.push(`Unknown type "${condition}".`);
    else if (!overlaps(type, condition)) {
      errors.push(`Fragment cannot be spread here as objects of type "${type}" can never be of type "${condition}".`);
    } else if (s.kind === 'inline') validateSelections(condition, s.selections, doc, errors, usedVars, seenFragments);
    else if (fragment && !seenFragments.has(fragment.name)) {
      seenFragments.add(fragment.name);
      validateSelections(condition, fragment.selections, doc, errors, usedVars, seenFragments);
    }
  }
}

class Execution {
  readonly errors: GraphQLErrorOut[] = [];

  constructor(
    private readonly vars: Record<string, unknown>,
    private readonly fragments: Map<string, FragmentNode>,
  ) {}

  value(v: ValueNode): unknown {
    switch (v.kind) {
      case 'var':
        return this.vars[v.name];
      case 'const':
        return v.value;
      case 'list':
        return v.items.map((i) => this.value(i));
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const [k, f] of v.fields) {
          const value = this.value(f);
          if (value !== undefined) out[k] = value;
        }
        return out;
      }
    }
  }

  args(args: Array<[string, ValueNode]>): Record<string, unknown> {
    return this.value({ kind: 'object', fields: args }) as Record<string, unknown>;
  }

  private included(directives: DirectiveNode[]): boolean {
    for (const d of directives) {
      const cond = this.args(d.args)['if'];
      if (d.name === 'skip' && cond === true) return false;
      if (d.name === 'include' && cond === false) return false;
    }
    return true;
  }

  /** Groups the selected fields by response key, flattening fragments that apply to `runtimeType`. */
  collect(runtimeType: string, selections: SelectionNode[], out = new Map<string, FieldNode[]>(), seen = new Set<string>()): Map<string, FieldNode[]> {
    for (const s of selections) {
      if (!this.included(s.directives)) continue;
      if (s.kind === 'field') {
        const key = s.alias ?? s.name;
        out.set(key, [...(out.get(key) ?? []), s]);
      } else if (s.kind === 'inline') {
        if (s.typeCondition === undefined || overlaps(s.typeCondition, runtimeType)) this.collect(runtimeType, s.selections, out, seen);
      } else {
        const fragment = this.fragments.get(s.name);
        if (fragment && !seen.has(s.name) && overlaps(fragment.typeCondition, runtimeType)) {
          seen.add(s.name);
          this.collect(runtimeType, fragment.selections, out, seen);
        }
      }
    }
    return out;
  }

  /** Projects a resolved value onto the selection, as a GraphQL server completes a value of `type`. */
  complete(value: unknown, type: string, selections: SelectionNode[], path: Array<string | number>): unknown {
    if (value === null || value === undefined) return null;
    if (!isComposite(type)) return value;
    if (Array.isArray(value)) return value.map((v: unknown, i) => this.complete(v, type, selections, [...path, i]));
    if (!isRecord(value)) return null;
    const runtimeType = UNIONS[type] ? String(value['__typename']) : type;
    const out: Record<string, unknown> = {};
    for (const [key, nodes] of this.collect(runtimeType, selections)) {
      const node = nodes[0];
      if (!node) continue;
      if (node.name === '__typename') {
        out[key] = runtimeType;
        continue;
      }
      let raw = value[node.name];
      if (typeof raw === 'function') {
        try {
          raw = (raw as LazyField)(this.args(node.args));
        } catch (err) {
          if (!(err instanceof FieldError)) throw err;
          // `results` and `events` are nullable: the error nulls the field and the rest of the answer stands.
          this.errors.push({ message: err.message, path: [...path, key] });
          out[key] = null;
          continue;
        }
      }
      const fieldType = SCHEMA[runtimeType]?.[node.name] ?? 'JSON';
      out[key] = this.complete(raw, fieldType, nodes.flatMap((n) => n.selections ?? []), [...path, key]);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Argument schemas (GraphQL input coercion, approximately: unknown input fields and bad enum values fail)
// ---------------------------------------------------------------------------------------------------------

function enumOf<const T extends readonly [string, ...string[]]>(values: T, typeName: string) {
  return z.enum(values, {
    error: (iss) =>
      iss.input === undefined ? `Field of required type "${typeName}!" was not provided.` : `Value ${JSON.stringify(iss.input)} does not exist in "${typeName}" enum.`,
  });
}

/** GraphQL coerces a single value to a one-element list. */
function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (v === undefined || v === null || Array.isArray(v) ? v : [v]), z.array(item));
}

const gqlId = z.union([z.string(), z.int()]).transform(String);
const dateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'DateTime cannot represent an invalid date-time string.' });
const pageInput = z.strictObject({ cursor: z.string().nullish(), pageSize: z.int().nullish() }).nullish();

const ARGS = {
  executeDataLakeQuery: z.strictObject({ input: z.strictObject({ sql: z.string(), databaseName: z.string().nullish() }) }),
  executeIndicatorSearchQuery: z.strictObject({
    input: z.strictObject({
      indicators: listOf(z.string()),
      startTime: dateTime,
      endTime: dateTime,
      indicatorName: enumOf(PANTHER_INDICATOR_TYPES, 'IndicatorType').nullish(),
      databases: listOf(z.string()).nullish(),
      tables: listOf(z.string()).nullish(),
    }),
  }),
  dataLakeQuery: z.strictObject({ id: gqlId, root: z.boolean().nullish() }),
  cancelDataLakeQuery: z.strictObject({ input: z.strictObject({ id: gqlId }) }),
  alert: z.strictObject({ id: gqlId }),
  // A subset of AlertsInput (reference/panther.md §2.4); Panther requires detectionId or both dates.
  alerts: z.strictObject({
    input: z
      .strictObject({
        createdAtAfter: dateTime.nullish(),
        createdAtBefore: dateTime.nullish(),
        detectionId: z.string().nullish(),
        cursor: z.string().nullish(),
        pageSize: z.number().int().nullish(),
        sortBy: enumOf(['createdAt'] as const, 'AlertsSortFieldsEnum').nullish(),
        sortDir: enumOf(['ascending', 'descending'] as const, 'SortDirEnum').nullish(),
        type: enumOf(['ALERT', 'DETECTION_ERROR', 'SYSTEM_ERROR'] as const, 'AlertListingType').nullish(),
      })
      .refine((i) => !!i.detectionId || (!!i.createdAtAfter && !!i.createdAtBefore), {
        message: 'detectionId or createdAtAfter and createdAtBefore are required',
      }),
  }),
  updateAlertStatusById: z.strictObject({
    input: z.strictObject({ ids: listOf(gqlId), status: enumOf(PANTHER_ALERT_STATUSES, 'AlertStatus') }),
  }),
  createAlertComment: z.strictObject({
    input: z.strictObject({ alertId: gqlId, body: z.string(), format: enumOf(PANTHER_COMMENT_FORMATS, 'CommentFormat').nullish() }),
  }),
  page: z.strictObject({ input: pageInput }),
};

/** Coerces arguments or throws a FieldError. (Message wording is ours; Panther's exact text is unverified.) */
function coerce<S extends z.ZodType>(schema: S, args: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(args);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at "${issue.path.map(String).join('.')}"` : '';
  throw new FieldError(`Argument value is invalid${where}: ${issue?.message ?? 'invalid input'}`);
}

const REST_PAGE = { defaultLimit: 25, maxLimit: 50 } as const;
const RESULTS_PAGE = { defaultSize: 999, maxSize: 999 } as const;
const EVENTS_PAGE = { defaultSize: 25, maxSize: 999 } as const;
// Panther's alert listing default is 25 (reference §2.4); its maximum is unverified.
const ALERTS_PAGE = { defaultSize: 25, maxSize: 50 } as const;

function encodeCursor(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ s: scope, o: offset })).toString('base64url');
}

/** The offset a cursor stands for, or undefined when it is not one of ours for `scope`. */
function decodeCursor(scope: string, cursor: string): number | undefined {
  const parsed = tryParseJson(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!parsed.ok || !isRecord(parsed.value) || parsed.value['s'] !== scope) return undefined;
  const offset = parsed.value['o'];
  return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
}

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
  hasPreviousPage: boolean;
  startCursor: string | null;
}

function pageOf<T>(items: T[], scope: string, cursor: string | null | undefined, size: number): { slice: T[]; pageInfo: PageInfo } {
  const offset = cursor ? decodeCursor(scope, cursor) : 0;
  if (offset === undefined) throw new FieldError(`invalid cursor: ${cursor ?? ''}`);
  const slice = items.slice(offset, offset + size);
  const hasNextPage = offset + size < items.length;
  return {
    slice,
    // hasPreviousPage is always false, as Panther's data lake results only page forwards.
    pageInfo: { hasNextPage, endCursor: hasNextPage ? encodeCursor(scope, offset + size) : null, hasPreviousPage: false, startCursor: cursor ?? null },
  };
}

function pageSize(requested: number | null | undefined, limits: { defaultSize: number; maxSize: number }): number {
  if (requested === null || requested === undefined) return limits.defaultSize;
  if (requested < 1) throw new FieldError('pageSize must be a positive integer');
  return Math.min(requested, limits.maxSize);
}

/** A Snowflake-ish column type for `columnInfo.types`, from a sample value. */
function columnType(v: unknown): string {
  if (typeof v === 'string') return 'VARCHAR';
  if (typeof v === 'number') return Number.isInteger(v) ? 'NUMBER' : 'FLOAT';
  if (typeof v === 'boolean') return 'BOOLEAN';
  if (Array.isArray(v)) return 'ARRAY';
  if (isRecord(v)) return 'OBJECT';
  return 'VARIANT';
}

const iso = (ms = Date.now()): string => new Date(ms).toISOString();

/** The actor every write is attributed to: the API token. */
const TOKEN_ACTOR = { __typename: 'APIToken', id: 'fake-api-token', name: 'autotriage (fake)', allowedCIDRBlocks: [], permissions: [] } as const;

// ---------------------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------------------

type RootResolver = (args: Record<string, unknown>) => Promise<unknown> | unknown;

export class PantherFake extends HttpFake {
  readonly name = 'panther';
  readonly apiKey: string;
  /** Mutable: replace to change how later queries answer. Restored by `reset()`. */
  respond: PantherResponder;
  /** Mutable default for queries executed from now on. Restored by `reset()`. */
  pollsUntilDone: number;
  /** Mutable global switch, read at every poll: while true no query completes. Restored by `reset()`. */
  neverFinishes: boolean;
  readonly autoCreateAlerts: boolean;
  private readonly resultsPageMax: number;

  readonly queries: PantherQueryRecord[] = [];
  readonly cancellations: PantherCancellation[] = [];
  readonly comments: PantherComment[] = [];
  readonly statusUpdates: PantherStatusUpdate[] = [];

  private readonly initial: { respond: PantherResponder; pollsUntilDone: number; neverFinishes: boolean };
  private readonly alertStore = new Map<string, PantherAlert>();
  private readonly roots: Record<'Query' | 'Mutation', Record<string, RootResolver>> = {
    Query: {
      dataLakeQuery: (a) => this.dataLakeQuery(a),
      alert: (a) => this.renderAlert(this.mustFindAlert(coerce(ARGS.alert, a).id, false)),
      alerts: (a) => this.listAlerts(a),
    },
    Mutation: {
      executeDataLakeQuery: (a) => this.executeSql(a),
      executeIndicatorSearchQuery: (a) => this.executeIndicatorSearch(a),
      cancelDataLakeQuery: (a) => this.cancelQuery(a),
      updateAlertStatusById: (a) => this.updateAlertStatus(a),
      createAlertComment: (a) => this.createComment(a),
    },
  };

  constructor(options: PantherFakeOptions) {
    super(options);
    this.apiKey = options.apiKey;
    this.respond = options.respond ?? (() => []);
    this.pollsUntilDone = options.pollsUntilDone ?? 2;
    this.neverFinishes = options.neverFinishes ?? false;
    this.autoCreateAlerts = options.autoCreateAlerts ?? false;
    this.resultsPageMax = options.resultsPageMax ?? RESULTS_PAGE.maxSize;
    this.initial = { respond: this.respond, pollsUntilDone: this.pollsUntilDone, neverFinishes: this.neverFinishes };
  }

  /** What `PANTHER_API_URL` should be: `${url}/public/graphql`. */
  get graphqlUrl(): string {
    return `${this.url}${PANTHER_GRAPHQL_PATH}`;
  }

  /** The REST base (the host root). */
  get restUrl(): string {
    return this.url;
  }

  /** The query with this id, if one was executed. */
  query(id: string): PantherQueryRecord | undefined {
    return this.queries.find((q) => q.id === id);
  }

  get lastQuery(): PantherQueryRecord | undefined {
    return this.queries[this.queries.length - 1];
  }

  /** Stores (or replaces) an alert; omitted fields get plausible defaults. Returns the stored alert. */
  setAlert(input: PantherAlertInput): PantherAlert {
    const createdAt = input.createdAt ?? iso();
    const alert: PantherAlert = {
      title: `Alert ${input.id}`,
      severity: 'MEDIUM',
      status: 'OPEN',
      type: 'RULE',
      updatedAt: null,
      description: '',
      reference: '',
      runbook: '',
      firstEventOccurredAt: null,
      lastReceivedEventAt: createdAt,
      origin: { id: 'Fake.Detection', name: 'Fake Detection' },
      events: [],
      ...input,
      createdAt,
    };
    this.alertStore.set(alert.id, alert);
    return alert;
  }

  /** The stored alert (live object: status updates show here). */
  getAlert(id: string): PantherAlert | undefined {
    return this.alertStore.get(id);
  }

  get alerts(): PantherAlert[] {
    return [...this.alertStore.values()];
  }

  commentsFor(alertId: string): PantherComment[] {
    return this.comments.filter((c) => c.alertId === alertId);
  }

  // ---- HTTP ----

  protected override async handle(req: FakeRequest): Promise<FakeResponse> {
    const graphql = req.path === PANTHER_GRAPHQL_PATH;
    const key = req.headers['x-api-key'];
    if (key === undefined || key !== this.apiKey) {
      // The exact body Panther sends for a missing/wrong key is unverified; these are GraphQL- and REST-style guesses.
      return { status: 401, body: graphql ? { errors: [{ message: 'Unauthorized' }] } : { message: 'Unauthorized' } };
    }
    if (graphql) return this.graphqlRoute(req);
    switch (`${req.method} ${req.path}`) {
      case 'GET /alert-comments':
        return this.restListComments(req);
      case 'POST /alert-comments':
        return this.restCreateComment(req);
      case 'PATCH /alerts':
        return this.restPatchAlerts(req);
      default:
        return { status: 404, body: { message: `Not Found: ${req.method} ${req.path}` } };
    }
  }

  protected override faultBody(status: number): object {
    // Readable by both kinds of client: GraphQL clients look at `errors`, REST clients at `message`.
    const message = status === 429 ? 'Too Many Requests' : `injected fault (HTTP ${status})`;
    return { message, errors: [{ message }] };
  }

  protected override resetState(): void {
    this.queries.length = 0;
    this.cancellations.length = 0;
    this.comments.length = 0;
    this.statusUpdates.length = 0;
    this.alertStore.clear();
    this.respond = this.initial.respond;
    this.pollsUntilDone = this.initial.pollsUntilDone;
    this.neverFinishes = this.initial.neverFinishes;
  }

  override snapshot(): object {
    return {
      pollsUntilDone: this.pollsUntilDone,
      neverFinishes: this.neverFinishes,
      queries: this.queries.map(({ rows, ...q }) => ({ ...q, rowCount: rows?.length ?? null })),
      cancellations: this.cancellations,
      comments: this.comments,
      statusUpdates: this.statusUpdates,
      alerts: this.alerts.map(({ events, ...a }) => ({ ...a, eventCount: events.length })),
    };
  }

  // ---- GraphQL ----

  private async graphqlRoute(req: FakeRequest): Promise<FakeResponse> {
    if (req.method !== 'POST') {
      return { status: 405, headers: { allow: 'POST' }, body: { errors: [{ message: 'GraphQL only supports POST requests.' }] } };
    }
    const body = tryParseJson(req.body);
    if (!body.ok || !isRecord(body.value)) return { status: 400, body: { errors: [{ message: 'POST body must be a JSON object.' }] } };
    const { query, variables, operationName } = body.value;
    if (typeof query !== 'string' || query.trim() === '') return { status: 400, body: { errors: [{ message: 'Must provide query string.' }] } };
    if (variables !== undefined && variables !== null && !isRecord(variables)) {
      return { status: 400, body: { errors: [{ message: 'Variables are invalid JSON.' }] } };
    }
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
      return { status: 400, body: { errors: [{ message: 'operationName must be a string.' }] } };
    }
    return { status: 200, body: await this.execute(query, variables ?? {}, operationName) };
  }

  /** Parses, validates and runs one GraphQL request. Request errors come back without `data`. */
  private async execute(query: string, variables: Record<string, unknown>, operationName?: string | null): Promise<object> {
    let doc: DocumentNode;
    try {
      doc = parseDocument(query);
    } catch (err) {
      if (err instanceof GraphQLSyntaxError) return { errors: [{ message: err.message }] };
      throw err;
    }
    const op = selectOperation(doc, operationName);
    if (typeof op === 'string') return { errors: [{ message: op }] };
    if (op.operation === 'subscription') return { errors: [{ message: 'Schema is not configured for subscriptions.' }] };
    const rootType = op.operation === 'mutation' ? 'Mutation' : 'Query';

    const problems: string[] = [];
    const usedVars = new Set<string>();
    validateSelections(rootType, op.selections, doc, problems, usedVars, new Set());
    const defined = new Set(op.variables.map((v) => v.name));
    for (const v of usedVars) {
      if (!defined.has(v)) problems.push(`Variable "$${v}" is not defined${op.name ? ` by operation "${op.name}"` : ''}.`);
    }
    if (problems.length > 0) return { errors: problems.map((message) => ({ message })) };

    const vars: Record<string, unknown> = {};
    const bootstrap = new Execution({}, doc.fragments);
    for (const def of op.variables) {
      const given = variables[def.name];
      const value = given === undefined && def.defaultValue ? bootstrap.value(def.defaultValue) : given;
      if (def.type.endsWith('!') && (value === undefined || value === null)) {
        problems.push(value === undefined
          ? `Variable "$${def.name}" of required type "${def.type}" was not provided.`
          : `Variable "$${def.name}" of non-null type "${def.type}" must not be null.`);
      }
      if (value !== undefined) vars[def.name] = value;
    }
    if (problems.length > 0) return { errors: problems.map((message) => ({ message })) };

    const exec = new Execution(vars, doc.fragments);
    const data: Record<string, unknown> = {};
    let nulled = false;
    for (const [key, nodes] of exec.collect(rootType, op.selections)) {
      const node = nodes[0];
      if (!node) continue;
      if (node.name === '__typename') {
        data[key] = rootType;
        continue;
      }
      const resolver = this.roots[rootType][node.name];
      const fieldType = SCHEMA[rootType]?.[node.name];
      if (!resolver || fieldType === undefined) {
        // Validation already rejects these; kept for a schema entry without a resolver.
        exec.errors.push({ message: `Cannot query field "${node.name}" on type "${rootType}".`, path: [key] });
        nulled = true;
        continue;
      }
      try {
        const resolved = await resolver(exec.args(node.args));
        data[key] = exec.complete(resolved, fieldType, nodes.flatMap((n) => n.selections ?? []), [key]);
      } catch (err) {
        if (!(err instanceof FieldError)) throw err;
        exec.errors.push({ message: err.message, path: [key] });
        nulled = true; // every served root field is non-null, so the error propagates to `data`.
      }
    }
    return { data: nulled ? null : data, ...(exec.errors.length > 0 ? { errors: exec.errors } : {}) };
  }

  // ---- data lake queries ----

  private async executeSql(args: Record<string, unknown>): Promise<{ id: string }> {
    const { input } = coerce(ARGS.executeDataLakeQuery, args);
    return this.startQuery('sql', input, input.sql, input.databaseName ?? undefined);
  }

  private async executeIndicatorSearch(args: Record<string, unknown>): Promise<{ id: string }> {
    const { input } = coerce(ARGS.executeIndicatorSearchQuery, args);
    return this.startQuery('indicator', input, undefined, undefined);
  }

  private async startQuery(kind: 'sql' | 'indicator', input: unknown, sql: string | undefined, databaseName: string | undefined): Promise<{ id: string }> {
    let outcome: PantherQueryOutcome;
    try {
      outcome = await this.respond({ kind, ...(sql !== undefined ? { sql } : {}), input });
    } catch (err) {
      outcome = { error: err instanceof Error ? err.message : String(err) };
    }
    const behaviour: PantherQueryBehaviour = Array.isArray(outcome) ? {} : outcome;
    const at = Date.now();
    const record: PantherQueryRecord = {
      id: randomUUID(),
      kind,
      ...(sql !== undefined ? { sql } : {}),
      ...(databaseName !== undefined ? { databaseName } : {}),
      input,
      status: 'running',
      message: '',
      polls: 0,
      pagesAfterFirst: 0,
      pollsUntilDone: behaviour.pollsUntilDone ?? this.pollsUntilDone,
      neverFinishes: behaviour.neverFinishes ?? false,
      cancelled: false,
      at,
      startedAt: iso(at),
      completedAt: null,
      ...(Array.isArray(outcome) ? { rows: outcome } : 'rows' in outcome ? { rows: outcome.rows } : { error: outcome.error }),
    };
    this.queries.push(record);
    return { id: record.id };
  }

  private findQuery(id: string): PantherQueryRecord {
    const record = this.query(id);
    // Panther's message for an unknown query id is unverified.
    if (!record) throw new FieldError(`data lake query not found: ${id}`);
    return record;
  }

  private dataLakeQuery(args: Record<string, unknown>): object {
    const record = this.findQuery(coerce(ARGS.dataLakeQuery, args).id);
    record.polls++;
    if (record.status === 'running' && !record.neverFinishes && !this.neverFinishes && record.polls > record.pollsUntilDone) {
      record.completedAt = iso();
      if (record.error !== undefined) {
        record.status = 'failed';
        record.message = record.error;
      } else {
        record.status = 'succeeded';
        record.message = 'The query has successfully completed';
      }
    }
    return {
      id: record.id,
      status: record.status,
      message: record.message,
      sql: record.sql ?? '',
      startedAt: record.startedAt,
      completedAt: record.completedAt,
      name: null,
      isScheduled: false,
      issuedBy: TOKEN_ACTOR,
      children: [],
      results: ((a) => this.results(record, a)) satisfies LazyField,
    };
  }

  /** `results` is null while running and for failed/cancelled queries. */
  private results(record: PantherQueryRecord, args: Record<string, unknown>): object | null {
    const { input } = coerce(ARGS.page, args);
    if (record.status !== 'succeeded') return null;
    const rows = record.rows ?? [];
    const size = pageSize(input?.pageSize, { defaultSize: Math.min(RESULTS_PAGE.defaultSize, this.resultsPageMax), maxSize: this.resultsPageMax });
    const { slice, pageInfo } = pageOf(rows, `query:${record.id}`, input?.cursor, size);
    if (input?.cursor) record.pagesAfterFirst++;
    const first = rows[0] ?? {};
    return {
      edges: slice.map((node) => ({ id: null, node })),
      pageInfo,
      columnInfo: { order: Object.keys(first), types: Object.fromEntries(Object.entries(first).map(([k, v]) => [k, columnType(v)])) },
      stats: {
        bytesScanned: Buffer.byteLength(JSON.stringify(rows)),
        executionTime: record.completedAt ? Date.parse(record.completedAt) - Date.parse(record.startedAt) : 0,
        rowCount: rows.length,
      },
      actorProfiles: [],
      tryAgain: false,
    };
  }

  private cancelQuery(args: Record<string, unknown>): { id: string } {
    const record = this.findQuery(coerce(ARGS.cancelDataLakeQuery, args).input.id);
    this.cancellations.push({ id: record.id, at: Date.now(), statusBefore: record.status });
    record.cancelled = true;
    // Cancelling a query that already completed leaves it as it was (Panther's behaviour here is unverified).
    if (record.status === 'running') {
      record.status = 'cancelled';
      record.message = 'The query was cancelled';
      record.completedAt = iso();
    }
    return { id: record.id };
  }

  // ---- alerts ----

  private mustFindAlert(id: string, create: boolean): PantherAlert {
    const alert = this.alertStore.get(id) ?? (create && this.autoCreateAlerts ? this.setAlert({ id }) : undefined);
    // Panther's message for an unknown alert is unverified.
    if (!alert) throw new FieldError('alert not found');
    return alert;
  }

  private listAlerts(args: Record<string, unknown>): object {
    const { input } = coerce(ARGS.alerts, args);
    const after = input.createdAtAfter ? Date.parse(input.createdAtAfter) : -Infinity;
    const before = input.createdAtBefore ? Date.parse(input.createdAtBefore) : Infinity;
    const matching = [...this.alertStore.values()]
      .filter((a) => !input.detectionId || a.origin.id === input.detectionId)
      .filter((a) => listingOf(a.type) === (input.type ?? 'ALERT'))
      .filter((a) => Date.parse(a.createdAt) >= after && Date.parse(a.createdAt) <= before)
      .sort((x, y) => Date.parse(x.createdAt) - Date.parse(y.createdAt) || x.id.localeCompare(y.id));
    if (input.sortDir !== 'ascending') matching.reverse();
    const scope = `alerts:${JSON.stringify([input.createdAtAfter, input.createdAtBefore, input.detectionId, input.sortDir, input.type])}`;
    const { slice, pageInfo } = pageOf(matching, scope, input.cursor, pageSize(input.pageSize, ALERTS_PAGE));
    return { edges: slice.map((a) => ({ node: this.renderAlert(a) })), pageInfo };
  }

  private renderAlert(alert: PantherAlert): object {
    const { events, origin, ...fields } = alert;
    return {
      ...fields,
      __typename: 'Alert',
      assignee: null,
      updatedBy: alert.updatedAt === null ? null : TOKEN_ACTOR,
      deliveries: [],
      origin: { __typename: 'Detection', type: 'RULE', description: null, createdAt: alert.createdAt, ...origin },
      events: ((a) => {
        const { input } = coerce(ARGS.page, a);
        const size = pageSize(input?.pageSize, { defaultSize: EVENTS_PAGE.defaultSize, maxSize: EVENTS_PAGE.maxSize });
        const { slice, pageInfo } = pageOf(events, `events:${alert.id}`, input?.cursor, size);
        return { edges: slice.map((node) => ({ node })), pageInfo };
      }) satisfies LazyField,
    };
  }

  private setStatus(ids: string[], status: PantherAlertStatus, via: 'graphql' | 'rest'): PantherAlert[] {
    const alerts = ids.map((id) => this.mustFindAlert(id, true));
    const updatedAt = iso();
    for (const alert of alerts) {
      alert.status = status;
      alert.updatedAt = updatedAt;
    }
    this.statusUpdates.push({ ids: alerts.map((a) => a.id), status, at: Date.now(), via });
    return alerts;
  }

  private updateAlertStatus(args: Record<string, unknown>): object {
    const { input } = coerce(ARGS.updateAlertStatusById, args);
    return { alerts: this.setStatus(input.ids, input.status, 'graphql').map((a) => this.renderAlert(a)) };
  }

  private addComment(alertId: string, body: string, format: PantherCommentFormat, via: 'graphql' | 'rest'): PantherComment {
    const alert = this.mustFindAlert(alertId, true);
    const at = Date.now();
    const comment: PantherComment = { id: randomUUID(), alertId: alert.id, body, format, createdAt: iso(at), at, via };
    this.comments.push(comment);
    return comment;
  }

  private createComment(args: Record<string, unknown>): object {
    const { input } = coerce(ARGS.createAlertComment, args);
    const comment = this.addComment(input.alertId, input.body, input.format ?? 'PLAIN_TEXT', 'graphql');
    const alert = this.mustFindAlert(comment.alertId, false);
    return {
      comment: {
        id: comment.id,
        body: comment.body,
        createdAt: comment.createdAt,
        format: comment.format,
        createdBy: TOKEN_ACTOR,
        entity: this.renderAlert(alert),
      },
    };
  }

  // ---- REST (bodies per Panther's OpenAPI spec; error bodies `{message}` as the spec declares) ----

  private restComment(c: PantherComment): object {
    return {
      id: c.id,
      alertId: c.alertId,
      body: c.body,
      format: c.format,
      createdAt: c.createdAt,
      updatedAt: c.createdAt,
      createdBy: { id: TOKEN_ACTOR.id, type: 'api-token' },
    };
  }

  private restListComments(req: FakeRequest): FakeResponse {
    const first = (key: string): string | undefined => {
      const v = req.query[key];
      return Array.isArray(v) ? v[0] : v;
    };
    const alertId = first('alert-id');
    if (!alertId) return { status: 400, body: { message: 'missing required query parameter "alert-id"' } };
    const limitRaw = first('limit');
    const limit = limitRaw === undefined || limitRaw === '' ? REST_PAGE.defaultLimit : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > REST_PAGE.maxLimit) {
      return { status: 400, body: { message: `limit must be an integer between 1 and ${REST_PAGE.maxLimit}` } };
    }
    const scope = `comments:${alertId}`;
    const cursor = first('cursor') || undefined;
    const offset = cursor === undefined ? 0 : decodeCursor(scope, cursor);
    if (offset === undefined) return { status: 400, body: { message: 'invalid cursor' } };
    const all = this.commentsFor(alertId);
    const page = all.slice(offset, offset + limit);
    return {
      status: 200,
      body: { results: page.map((c) => this.restComment(c)), next: offset + limit < all.length ? encodeCursor(scope, offset + limit) : null },
    };
  }

  private restBody<S extends z.ZodType>(req: FakeRequest, schema: S): { ok: true; value: z.output<S> } | { ok: false; response: FakeResponse } {
    const json = tryParseJson(req.body);
    if (!json.ok) return { ok: false, response: { status: 400, body: { message: 'request body is not valid JSON' } } };
    const parsed = schema.safeParse(json.value);
    if (parsed.success) return { ok: true, value: parsed.data };
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `"${issue.path.map(String).join('.')}": ` : '';
    return { ok: false, response: { status: 400, body: { message: `${where}${issue?.message ?? 'invalid body'}` } } };
  }

  private restCreateComment(req: FakeRequest): FakeResponse {
    const body = this.restBody(req, z.object({ alertId: z.string().min(1), body: z.string(), format: z.enum(PANTHER_COMMENT_FORMATS) }));
    if (!body.ok) return body.response;
    if (!this.alertStore.has(body.value.alertId) && !this.autoCreateAlerts) return { status: 404, body: { message: 'alert not found' } };
    const comment = this.addComment(body.value.alertId, body.value.body, body.value.format, 'rest');
    return { status: 200, body: this.restComment(comment) };
  }

  private restPatchAlerts(req: FakeRequest): FakeResponse {
    const body = this.restBody(req, z.object({ ids: z.array(z.string()).min(1), status: z.enum(PANTHER_ALERT_STATUSES).optional(), assignee: z.string().optional() }));
    if (!body.ok) return body.response;
    const missing = body.value.ids.find((id) => !this.alertStore.has(id));
    if (missing !== undefined && !this.autoCreateAlerts) return { status: 404, body: { message: `alert not found: ${missing}` } };
    if (body.value.status !== undefined) this.setStatus(body.value.ids, body.value.status, 'rest');
    return { status: 204 };
  }
}
