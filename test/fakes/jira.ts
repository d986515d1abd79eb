/**
 * Fake of the Jira Cloud REST API v3 endpoints autotriage uses, as `jira.js` 5.x `Version3Client` calls
 * them: Basic auth (`email:apiToken`), JSON bodies, ADF rich text, Jira's `{errorMessages, errors}` error
 * envelope, and `/search/jql` with `nextPageToken` paging. Point the client at `host: url`.
 */
import { HttpFake, isRecord, tryParseJson, type FakeRequest, type FakeResponse, type HttpFakeOptions } from './http-fake';
import { JqlError, compileJql, matchList, parseJql, parseJqlDate, unsupportedOperator, type JqlClause } from './jql';

export interface JiraFakeOptions extends HttpFakeOptions {
  email: string;
  apiToken: string;
  /** Project keys that exist. Default `['SEC']`. */
  projects?: string[];
  /** Issue type names that exist. Default Task, Bug, Story, Epic, Incident. */
  issueTypes?: string[];
  /** Field ids settable besides the standard ones (e.g. `customfield_10010`). */
  extraFields?: string[];
}

export interface AdfNode {
  type: string;
  text?: string;
  content?: AdfNode[];
  attrs?: Record<string, unknown>;
  marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
}

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

export type JiraStatusName = 'To Do' | 'In Progress' | "Won't Do" | 'Done';

/**
 * Fields as submitted (and later edited), with project/issuetype/priority references resolved to both
 * name and id; other submitted fields are kept as sent, under their ids.
 */
export interface JiraIssueFields {
  project: { key: string; id: string };
  summary: string;
  issuetype: { name: string; id: string };
  labels: string[];
  description?: AdfDoc;
  priority?: { name: string; id: string };
  [field: string]: unknown;
}

export interface JiraComment {
  id: string;
  body: AdfDoc;
  created: string;
  updated: string;
}

export interface JiraIssue {
  id: string;
  key: string;
  fields: JiraIssueFields;
  status: JiraStatusName;
  comments: JiraComment[];
  properties: Record<string, unknown>;
  /** Applied transitions, oldest first. */
  transitions: Array<{ id: string; to: JiraStatusName; at: number }>;
  createdAt: number;
  updatedAt: number;
}

type Route = (req: FakeRequest, params: string[]) => FakeResponse;
const API = '/rest/api/3';
const ACCOUNT_ID = '5b10ac8d82e05b22cc7d4ef5';
const STANDARD_FIELDS = [
  ...['project', 'summary', 'issuetype', 'labels', 'description', 'priority'],
  ...['assignee', 'reporter', 'duedate', 'components', 'environment', 'parent'],
];
const PRIORITIES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];
const DEFAULT_ISSUE_TYPES = ['Task', 'Bug', 'Story', 'Epic', 'Incident'];

const STATUSES: Record<JiraStatusName, { id: string; category: { id: number; key: string; colorName: string; name: string } }> = {
  'To Do': { id: '10000', category: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' } },
  'In Progress': { id: '3', category: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' } },
  "Won't Do": { id: '10002', category: { id: 3, key: 'done', colorName: 'green', name: 'Done' } },
  Done: { id: '10001', category: { id: 3, key: 'done', colorName: 'green', name: 'Done' } },
};
/** In workflow order, as Jira lists them: a second done-category status (`Won't Do`) before `Done`. */
const TRANSITIONS: ReadonlyArray<{ id: string; to: JiraStatusName }> = [
  { id: '11', to: 'To Do' },
  { id: '21', to: 'In Progress' },
  { id: '41', to: "Won't Do" },
  { id: '31', to: 'Done' },
];

const json = (status: number, body?: object): FakeResponse => ({
  status,
  headers: { 'content-type': 'application/json;charset=UTF-8' },
  ...(body !== undefined ? { body } : {}),
});
const jiraError = (status: number, errorMessages: string[], errors: Record<string, string> = {}): FakeResponse =>
  json(status, { errorMessages, errors });
const NOT_FOUND_ISSUE = 'Issue does not exist or you do not have permission to see it.';

/** Named Jira entities whose ids are `firstId + index` (projects, issue types, priorities). */
class Catalog {
  constructor(
    readonly names: readonly string[],
    private readonly firstId: number,
  ) {}

  idOf(name: string): string {
    return String(this.firstId + this.names.indexOf(name));
  }

  /** Resolves a `{name}` / `{key}` / `{id}` reference to a known name, else undefined. */
  resolve(ref: unknown, nameKey: 'name' | 'key'): string | undefined {
    if (!isRecord(ref)) return undefined;
    const name = ref[nameKey];
    if (typeof name === 'string') return this.names.includes(name) ? name : undefined;
    return typeof ref['id'] === 'string' ? this.names[Number(ref['id']) - this.firstId] : undefined;
  }

  /** `{name, id}` for a reference already validated by `resolve`. */
  ref(value: unknown, nameKey: 'name' | 'key'): { name: string; id: string } {
    const name = this.resolve(value, nameKey) ?? '';
    return { name, id: this.idOf(name) };
  }
}

/** Jira's timestamp format: `2024-08-13T15:58:20.123+0000`. */
export function jiraDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

// ---- ADF ----

function isAdfNode(node: unknown, parentType: string): boolean {
  if (!isRecord(node) || typeof node['type'] !== 'string') return false;
  const { type, text, content, marks } = node;
  if (type === 'text') {
    if (typeof text !== 'string' || text.length === 0) return false;
    // Code block text may not carry marks.
    if (marks !== undefined && (parentType === 'codeBlock' || !Array.isArray(marks))) return false;
  }
  if (marks !== undefined && Array.isArray(marks) && !marks.every((m: unknown) => isRecord(m) && typeof m['type'] === 'string')) return false;
  return content === undefined || (Array.isArray(content) && content.every((c: unknown) => isAdfNode(c, type)));
}

/** A valid ADF document: `{type:"doc", version:1, content:[...]}` with no empty text nodes. */
export function isAdfDoc(value: unknown): value is AdfDoc {
  return (
    isRecord(value) &&
    value['type'] === 'doc' &&
    value['version'] === 1 &&
    Array.isArray(value['content']) &&
    value['content'].every((n: unknown) => isAdfNode(n, 'doc'))
  );
}

/** Plain text of an ADF document (text nodes joined), handy for assertions. */
export function adfText(doc: AdfDoc | AdfNode): string {
  if ('text' in doc && typeof doc.text === 'string') return doc.text;
  const parts = (doc.content ?? []).map((n) => adfText(n));
  return parts.join(doc.type === 'doc' || doc.type === 'bulletList' || doc.type === 'orderedList' ? '\n' : '');
}

/** Comma-separated and/or repeated list parameters (`fields=a,b&fields=c`), or a JSON array. */
function listParam(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const raw = Array.isArray(value) ? value : [value];
  return raw.flatMap((v: unknown) => (typeof v === 'string' ? v.split(',') : [])).map((s) => s.trim()).filter((s) => s !== '');
}

export class JiraFake extends HttpFake {
  readonly name = 'jira';
  readonly email: string;
  readonly apiToken: string;
  /** Project keys that exist. */
  readonly projects: readonly string[];
  /** Issue type names that exist. */
  readonly issueTypes: readonly string[];

  private readonly projectCatalog: Catalog;
  private readonly issueTypeCatalog: Catalog;
  private readonly priorityCatalog = new Catalog(PRIORITIES, 1);

  private readonly settableFields: Set<string>;
  private store: JiraIssue[] = [];
  private nextIssueId = 10000;
  private nextCommentId = 10000;
  private issueCounters = new Map<string, number>();
  private readonly routes: Array<[string, RegExp, Route]> = [
    ['GET', /^\/myself$/, () => this.myself()],
    ['POST', /^\/issue$/, (r) => this.createIssue(r)],
    ['GET', /^\/issue\/([^/]+)$/, (r, [k]) => this.withIssue(k, (i) => this.getIssue(i, r))],
    ['PUT', /^\/issue\/([^/]+)$/, (r, [k]) => this.withIssue(k, (i) => this.editIssue(i, r))],
    ['GET', /^\/issue\/([^/]+)\/comment$/, (_r, [k]) => this.withIssue(k, (i) => this.listComments(i))],
    ['POST', /^\/issue\/([^/]+)\/comment$/, (r, [k]) => this.withIssue(k, (i) => this.addComment(i, r))],
    ['GET', /^\/issue\/([^/]+)\/transitions$/, (_r, [k]) => this.withIssue(k, () => this.listTransitions())],
    ['POST', /^\/issue\/([^/]+)\/transitions$/, (r, [k]) => this.withIssue(k, (i) => this.doTransition(i, r))],
    ['GET', /^\/issue\/([^/]+)\/properties$/, (_r, [k]) => this.withIssue(k, (i) => this.listProperties(i))],
    ['GET', /^\/issue\/([^/]+)\/properties\/([^/]+)$/, (_r, [k, p]) => this.withIssue(k, (i) => this.getProperty(i, p))],
    ['PUT', /^\/issue\/([^/]+)\/properties\/([^/]+)$/, (r, [k, p]) => this.withIssue(k, (i) => this.setProperty(i, p, r))],
    ['DELETE', /^\/issue\/([^/]+)\/properties\/([^/]+)$/, (_r, [k, p]) => this.withIssue(k, (i) => this.deleteProperty(i, p))],
    ['GET', /^\/search\/jql$/, (r) => this.search(r.query)],
    ['POST', /^\/search\/jql$/, (r) => this.searchPost(r)],
  ];

  /**
   * How long a new issue stays out of `/search/jql` results. Real Jira's search is eventually consistent
   * (the index can trail a create by seconds); 0 by default, so tests that do not care see their issues.
   */
  indexLagMs = 0;

  constructor(options: JiraFakeOptions) {
    super(options);
    this.email = options.email;
    this.apiToken = options.apiToken;
    this.projects = options.projects ?? ['SEC'];
    this.issueTypes = options.issueTypes ?? DEFAULT_ISSUE_TYPES;
    this.projectCatalog = new Catalog(this.projects, 10000);
    this.issueTypeCatalog = new Catalog(this.issueTypes, 10001);
    this.settableFields = new Set([...STANDARD_FIELDS, ...(options.extraFields ?? [])]);
  }

  /** Every issue created, oldest first. */
  get issues(): JiraIssue[] {
    return [...this.store];
  }

  /** An issue by key (`SEC-1`) or id. */
  issue(keyOrId: string): JiraIssue | undefined {
    const upper = keyOrId.toUpperCase();
    return this.store.find((i) => i.key === upper || i.id === keyOrId);
  }

  protected override async handle(req: FakeRequest): Promise<FakeResponse> {
    if (!this.authorized(req.headers['authorization'])) {
      return jiraError(401, ['Client must be authenticated to access this resource.']);
    }
    if (!req.path.startsWith(`${API}/`)) return jiraError(404, ['Not found']);
    const subPath = req.path.slice(API.length);
    for (const [method, pattern, route] of this.routes) {
      const m = pattern.exec(subPath);
      if (m && method === req.method) return route(req, m.slice(1).map((s) => decodeURIComponent(s)));
    }
    return jiraError(404, ['Not found']);
  }

  private authorized(header: string | undefined): boolean {
    const encoded = header !== undefined ? /^Basic\s+(.+)$/i.exec(header)?.[1] : undefined;
    if (encoded === undefined) return false;
    return Buffer.from(encoded, 'base64').toString('utf8') === `${this.email}:${this.apiToken}`;
  }

  private withIssue(keyOrId: string | undefined, fn: (issue: JiraIssue) => FakeResponse): FakeResponse {
    const issue = keyOrId === undefined ? undefined : this.issue(keyOrId);
    return issue ? fn(issue) : jiraError(404, [NOT_FOUND_ISSUE]);
  }

  private parseBody(req: FakeRequest): { ok: true; value: unknown } | { ok: false; response: FakeResponse } {
    const parsed = tryParseJson(req.body);
    if (parsed.ok) return parsed;
    return { ok: false, response: jiraError(400, ['Unexpected character in request body: it is not valid JSON.']) };
  }

  // ---- rendering ----

  private issueSelf(issue: JiraIssue): string {
    return `${this.url}${API}/issue/${issue.id}`;
  }

  private statusJson(name: JiraStatusName): object {
    const s = STATUSES[name];
    return {
      self: `${this.url}${API}/status/${s.id}`,
      description: '',
      iconUrl: `${this.url}/images/icons/statuses/generic.png`,
      name,
      id: s.id,
      statusCategory: { self: `${this.url}${API}/statuscategory/${s.category.id}`, ...s.category },
    };
  }

  private commentJson(issue: JiraIssue, c: JiraComment): object {
    const author = { accountId: ACCOUNT_ID, emailAddress: this.email, displayName: 'Autotriage Bot', active: true, accountType: 'atlassian' };
    return {
      self: `${this.issueSelf(issue)}/comment/${c.id}`,
      id: c.id,
      author,
      body: c.body,
      updateAuthor: author,
      created: c.created,
      updated: c.updated,
      jsdPublic: true,
    };
  }

  /** All fields as Jira returns them (`*all`). */
  private fieldsJson(issue: JiraIssue): Record<string, unknown> {
    const { fields, comments } = issue;
    const { project, issuetype, priority } = fields;
    return {
      ...fields,
      issuetype: { self: `${this.url}${API}/issuetype/${issuetype.id}`, ...issuetype, subtask: false },
      project: { self: `${this.url}${API}/project/${project.id}`, ...project, name: project.key, projectTypeKey: 'software' },
      status: this.statusJson(issue.status),
      statuscategorychangedate: jiraDate(issue.transitions.at(-1)?.at ?? issue.createdAt),
      description: fields.description ?? null,
      priority: priority ? { self: `${this.url}${API}/priority/${priority.id}`, ...priority } : null,
      created: jiraDate(issue.createdAt),
      updated: jiraDate(issue.updatedAt),
      comment: { comments: comments.map((c) => this.commentJson(issue, c)), maxResults: comments.length, total: comments.length, startAt: 0 },
    };
  }

  /** Applies a Jira `fields` selection (`*all`, `*navigable`, names, `-name` exclusions). */
  private selectFields(issue: JiraIssue, requested: string[]): Record<string, unknown> {
    const all = this.fieldsJson(issue);
    const onlyExclusions = requested.length > 0 && requested.every((f) => f.startsWith('-'));
    const wantsAll = onlyExclusions || requested.some((f) => f === '*all' || f === '*navigable');
    const selected = wantsAll ? all : Object.fromEntries(requested.filter((f) => f in all).map((f) => [f, all[f]]));
    for (const f of requested) if (f.startsWith('-')) delete selected[f.slice(1)];
    return selected;
  }

  private issueJson(issue: JiraIssue, requestedFields: string[], requestedProperties: string[] = []): object {
    const properties = requestedProperties.includes('*all')
      ? issue.properties
      : Object.fromEntries(requestedProperties.filter((p) => p in issue.properties).map((p) => [p, issue.properties[p]]));
    return {
      expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: issue.id,
      self: this.issueSelf(issue),
      key: issue.key,
      fields: this.selectFields(issue, requestedFields),
      ...(requestedProperties.length > 0 ? { properties } : {}),
    };
  }

  // ---- field validation (create and edit) ----

  private fieldError(field: string, value: unknown): string | undefined {
    switch (field) {
      case 'project':
        return this.projectCatalog.resolve(value, 'key') ? undefined : 'valid project is required';
      case 'summary':
        if (typeof value !== 'string' || value.trim() === '') return 'You must specify a summary of the issue.';
        if (/[\r\n]/.test(value)) return 'The summary is invalid because it contains newline characters.';
        return value.length > 255 ? 'Summary must be less than 255 characters.' : undefined;
      case 'issuetype':
        if (!isRecord(value) || (value['name'] === undefined && value['id'] === undefined)) return 'Specify an issue type';
        return this.issueTypeCatalog.resolve(value, 'name') ? undefined : 'Specify a valid issue type';
      case 'labels':
        return labelsError(value);
      case 'description':
        return value === null || isAdfDoc(value) ? undefined : 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
      case 'priority':
        return this.priorityCatalog.resolve(value, 'name') ? undefined : 'Specify a valid value for priority';
      default:
        return this.settableFields.has(field) ? undefined : `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;
    }
  }

  private fieldsErrors(fields: Record<string, unknown>, required: string[]): Record<string, string> {
    const errors: Record<string, string> = {};
    for (const field of required) {
      if (fields[field] === undefined) errors[field] = this.fieldError(field, undefined) ?? `${field} is required.`;
    }
    for (const [field, value] of Object.entries(fields)) {
      const error = this.fieldError(field, value);
      if (error !== undefined) errors[field] = error;
    }
    return errors;
  }

  // ---- routes ----

  private myself(): FakeResponse {
    return json(200, {
      self: `${this.url}${API}/user?accountId=${ACCOUNT_ID}`,
      accountId: ACCOUNT_ID,
      accountType: 'atlassian',
      emailAddress: this.email,
      displayName: 'Autotriage Bot',
      active: true,
      timeZone: 'Etc/UTC',
      locale: 'en_US',
      groups: { size: 0, items: [] },
      applicationRoles: { size: 0, items: [] },
      expand: 'groups,applicationRoles',
    });
  }

  private createIssue(req: FakeRequest): FakeResponse {
    const body = this.parseBody(req);
    if (!body.ok) return body.response;
    const fields = isRecord(body.value) ? body.value['fields'] : undefined;
    if (!isRecord(fields)) return jiraError(400, ["Request body is missing the 'fields' object."]);
    const errors = this.fieldsErrors(fields, ['project', 'summary', 'issuetype']);
    if (Object.keys(errors).length > 0) return jiraError(400, [], errors);

    const resolved = { ...fields, ...this.resolvedRefs(fields), labels: (fields['labels'] as string[] | undefined) ?? [] } as JiraIssueFields;
    const projectKey = resolved.project.key;
    const n = (this.issueCounters.get(projectKey) ?? 0) + 1;
    this.issueCounters.set(projectKey, n);
    const now = Date.now();
    const issue: JiraIssue = {
      id: String(this.nextIssueId++),
      key: `${projectKey}-${n}`,
      fields: resolved,
      status: 'To Do',
      comments: [],
      properties: this.initialProperties(body.value),
      transitions: [],
      createdAt: now,
      updatedAt: now,
    };
    this.store.push(issue);
    const transitionId = isRecord(body.value) && isRecord(body.value['transition']) ? body.value['transition']['id'] : undefined;
    if (transitionId !== undefined) this.applyTransition(issue, String(transitionId));
    return json(201, { id: issue.id, key: issue.key, self: this.issueSelf(issue) });
  }

  /** Resolves the (already validated) project/issuetype/priority references present in `fields`. */
  private resolvedRefs(fields: Record<string, unknown>): Partial<JiraIssueFields> {
    const refs: Partial<JiraIssueFields> = {};
    if (fields['project'] !== undefined) {
      const { name, id } = this.projectCatalog.ref(fields['project'], 'key');
      refs.project = { key: name, id };
    }
    if (fields['issuetype'] !== undefined) refs.issuetype = this.issueTypeCatalog.ref(fields['issuetype'], 'name');
    if (fields['priority'] !== undefined) refs.priority = this.priorityCatalog.ref(fields['priority'], 'name');
    return refs;
  }

  /** Issue properties can be set at creation: `properties: [{key, value}]`. */
  private initialProperties(body: unknown): Record<string, unknown> {
    const list = isRecord(body) && Array.isArray(body['properties']) ? (body['properties'] as unknown[]) : [];
    return Object.fromEntries(list.filter(isRecord).filter((p) => typeof p['key'] === 'string').map((p) => [p['key'] as string, p['value']]));
  }

  private getIssue(issue: JiraIssue, req: FakeRequest): FakeResponse {
    return json(200, this.issueJson(issue, listParam(req.query['fields']) ?? ['*all'], listParam(req.query['properties'])));
  }

  /** `PUT /issue/{key}`: `fields` set values; `update.labels` supports add/remove/set operations. */
  private editIssue(issue: JiraIssue, req: FakeRequest): FakeResponse {
    const body = this.parseBody(req);
    if (!body.ok) return body.response;
    const value = isRecord(body.value) ? body.value : {};
    const fields = isRecord(value['fields']) ? value['fields'] : {};
    const errors = this.fieldsErrors(fields, []);
    if ('project' in fields) errors['project'] = 'Field \'project\' cannot be set. It is not on the appropriate screen, or unknown.';
    if (Object.keys(errors).length > 0) return jiraError(400, [], errors);
    const labels = this.applyLabelOps((fields['labels'] as string[] | undefined) ?? issue.fields.labels, value['update']);
    if (typeof labels === 'string') return jiraError(400, [], { labels });
    Object.assign(issue.fields, fields, this.resolvedRefs(fields), { labels });
    issue.updatedAt = Date.now();
    return json(204);
  }

  /** Returns the new label list, or an error message. */
  private applyLabelOps(current: string[], update: unknown): string[] | string {
    const ops = isRecord(update) && Array.isArray(update['labels']) ? (update['labels'] as unknown[]) : [];
    let labels = [...current];
    for (const op of ops) {
      if (!isRecord(op)) return 'Invalid update operation';
      const [verb, arg] = Object.entries(op)[0] ?? [];
      const values = verb === 'set' ? arg : [arg];
      const error = labelsError(values);
      if (error !== undefined) return error;
      const list = values as string[];
      if (verb === 'add') labels = labels.includes(list[0] ?? '') ? labels : [...labels, ...list];
      else if (verb === 'remove') labels = labels.filter((l) => !list.includes(l));
      else if (verb === 'set') labels = list;
      else return `Unknown operation '${String(verb)}'`;
    }
    return labels;
  }

  private listComments(issue: JiraIssue): FakeResponse {
    const comments = issue.comments.map((c) => this.commentJson(issue, c));
    return json(200, { startAt: 0, maxResults: 5000, total: comments.length, comments });
  }

  private addComment(issue: JiraIssue, req: FakeRequest): FakeResponse {
    const body = this.parseBody(req);
    if (!body.ok) return body.response;
    const adf = isRecord(body.value) ? body.value['body'] : undefined;
    if (adf === undefined) return jiraError(400, [], { comment: 'Comment body can not be empty!' });
    if (!isAdfDoc(adf)) return jiraError(400, ['INVALID_INPUT'], { comment: 'Comment body must be a valid Atlassian Document.' });
    const now = Date.now();
    const comment: JiraComment = { id: String(this.nextCommentId++), body: adf, created: jiraDate(now), updated: jiraDate(now) };
    issue.comments.push(comment);
    issue.updatedAt = now;
    return json(201, this.commentJson(issue, comment));
  }

  private listTransitions(): FakeResponse {
    const transitions = TRANSITIONS.map((t) => ({
      id: t.id,
      name: t.to,
      to: this.statusJson(t.to),
      hasScreen: false,
      isGlobal: true,
      isInitial: false,
      isAvailable: true,
      isConditional: false,
      isLooped: false,
    }));
    return json(200, { expand: 'transitions', transitions });
  }

  private doTransition(issue: JiraIssue, req: FakeRequest): FakeResponse {
    const body = this.parseBody(req);
    if (!body.ok) return body.response;
    const transition = isRecord(body.value) ? body.value['transition'] : undefined;
    const id = isRecord(transition) ? transition['id'] : undefined;
    if (id === undefined) return jiraError(400, ["Missing 'transition' identifier"]);
    if (!this.applyTransition(issue, String(id))) return jiraError(400, [`Transition id '${String(id)}' is not valid for this issue.`]);
    return json(204);
  }

  private applyTransition(issue: JiraIssue, id: string): boolean {
    const t = TRANSITIONS.find((x) => x.id === id);
    if (!t) return false;
    const now = Date.now();
    issue.status = t.to;
    issue.transitions.push({ id, to: t.to, at: now });
    issue.updatedAt = now;
    return true;
  }

  private listProperties(issue: JiraIssue): FakeResponse {
    const keys = Object.keys(issue.properties).map((key) => ({ self: `${this.issueSelf(issue)}/properties/${key}`, key }));
    return json(200, { keys });
  }

  private getProperty(issue: JiraIssue, key: string | undefined): FakeResponse {
    if (key === undefined || !(key in issue.properties)) return jiraError(404, [`The property with key '${key ?? ''}' does not exist.`]);
    return json(200, { key, value: issue.properties[key] });
  }

  private setProperty(issue: JiraIssue, key: string | undefined, req: FakeRequest): FakeResponse {
    if (key === undefined || key.length > 255) return jiraError(400, ['The property key is invalid.']);
    const body = this.parseBody(req);
    if (!body.ok) return body.response;
    const existed = key in issue.properties;
    issue.properties[key] = body.value;
    return json(existed ? 200 : 201);
  }

  private deleteProperty(issue: JiraIssue, key: string | undefined): FakeResponse {
    if (key === undefined || !(key in issue.properties)) return jiraError(404, [`The property with key '${key ?? ''}' does not exist.`]);
    delete issue.properties[key];
    return json(204);
  }

  private searchPost(req: FakeRequest): FakeResponse {
    const body = this.parseBody(req);
    if (!body.ok) return body.response;
    return isRecord(body.value) ? this.search(body.value) : jiraError(400, ['Request body must be a JSON object.']);
  }

  /** `/search/jql`: by default only `id` is returned per issue; `fields` adds key, self and the fields. */
  private search(params: Record<string, unknown>): FakeResponse {
    const jql = typeof params['jql'] === 'string' ? params['jql'] : '';
    let predicate: (issue: JiraIssue) => boolean;
    try {
      const expr = parseJql(jql);
      if (!expr) return jiraError(400, ['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.']);
      predicate = compileJql(expr, (c) => this.compileClause(c));
    } catch (err) {
      if (err instanceof JqlError) return jiraError(400, [err.message]);
      throw err;
    }

    const fields = listParam(params['fields']) ?? ['id'];
    const idsOnly = fields.every((f) => f === 'id' || f === 'key');
    const start = decodePageToken(params['nextPageToken']);
    if (start === undefined) return jiraError(400, ['The provided next page token is invalid or expired.']);
    const requestedMax = Number(params['maxResults'] ?? 50);
    const maxResults = Math.min(Number.isInteger(requestedMax) && requestedMax > 0 ? requestedMax : 50, idsOnly ? 5000 : 100);

    // Jira's search index trails writes: an issue created within `indexLagMs` is not found yet.
    const indexedBefore = Date.now() - this.indexLagMs;
    const matches = [...this.store].reverse().filter((i) => i.createdAt <= indexedBefore && predicate(i));
    const page = matches.slice(start, start + maxResults);
    const isLast = start + maxResults >= matches.length;
    const properties = listParam(params['properties']);
    const onlyId = fields.length === 1 && fields[0] === 'id';
    const issues = page.map((i) => (onlyId ? { id: i.id } : this.issueJson(i, fields.filter((f) => f !== 'id'), properties)));
    return json(200, { issues, ...(isLast ? {} : { nextPageToken: encodePageToken(start + maxResults) }), isLast });
  }

  /** The JQL fields the fake understands; anything else is an error, as in Jira. */
  private compileClause(c: JqlClause): (issue: JiraIssue) => boolean {
    const field = c.field.toLowerCase();
    if (field.startsWith('issue.property[')) return () => true; // Needs app-side indexing in real Jira; ignored here.
    const ci = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
    switch (field) {
      case 'labels':
        requireListOp(c);
        return (i) => matchList(c, i.fields.labels);
      case 'project':
        requireListOp(c);
        this.requireKnown(c, this.projects);
        return (i) => matchList(c, [i.fields.project.key], ci);
      case 'status':
        requireListOp(c);
        this.requireKnown(c, Object.keys(STATUSES));
        return (i) => matchList(c, [i.status], ci);
      case 'statuscategory':
        requireListOp(c);
        this.requireKnown(c, Object.values(STATUSES).flatMap((s) => [s.category.name, s.category.key]));
        return (i) => matchList(c, [STATUSES[i.status].category.name, STATUSES[i.status].category.key], ci);
      case 'issuetype':
      case 'type':
        requireListOp(c);
        return (i) => matchList(c, [i.fields.issuetype.name ?? ''], ci);
      case 'key':
      case 'issuekey':
      case 'id':
        requireListOp(c);
        return (i) => matchList(c, [i.key, i.id], ci);
      case 'summary':
      case 'text':
        return textPredicate(c);
      case 'created':
      case 'updated':
        return datePredicate(c, field);
      default:
        throw new JqlError(`Field '${c.field}' does not exist or you do not have permission to view it.`);
    }
  }

  private requireKnown(c: JqlClause, known: readonly string[]): void {
    for (const v of c.values) {
      if (!known.some((k) => k.toLowerCase() === v.toLowerCase())) throw new JqlError(`The value '${v}' does not exist for the field '${c.field}'.`);
    }
  }

  protected override faultBody(status: number): object {
    if (status === 429) return { errorMessages: ['Rate limit exceeded.'], errors: {} };
    return { errorMessages: [`Internal server error (injected HTTP ${status}).`], errors: {} };
  }

  protected override resetState(): void {
    this.store = [];
    this.issueCounters.clear();
    this.nextIssueId = 10000;
    this.indexLagMs = 0;
    this.nextCommentId = 10000;
  }

  override snapshot(): object {
    return { issues: this.store };
  }
}

function labelsError(value: unknown): string | undefined {
  if (!Array.isArray(value) || !value.every((l: unknown) => typeof l === 'string')) return 'The labels field must be an array of strings.';
  const bad = (value as string[]).find((l) => l === '' || /\s/.test(l));
  if (bad !== undefined) return `The label '${bad}' contains spaces which is invalid.`;
  const long = (value as string[]).find((l) => l.length > 255);
  return long === undefined ? undefined : `The label '${long}' exceeds 255 characters.`;
}

/** Fields compared by value accept only equality-style operators. */
function requireListOp(c: JqlClause): void {
  if (!['=', '!=', 'in', 'not in', 'is', 'is not'].includes(c.op)) throw unsupportedOperator(c);
}

function textPredicate(c: JqlClause): (issue: JiraIssue) => boolean {
  if (c.op !== '~' && c.op !== '!~') throw unsupportedOperator(c);
  const needle = (c.values[0] ?? '').toLowerCase();
  return (i) => i.fields.summary.toLowerCase().includes(needle) === (c.op === '~');
}

function datePredicate(c: JqlClause, field: 'created' | 'updated'): (issue: JiraIssue) => boolean {
  const bound = parseJqlDate(c.values[0] ?? '');
  const at = (i: JiraIssue): number => (field === 'created' ? i.createdAt : i.updatedAt);
  switch (c.op) {
    case '>':
      return (i) => at(i) > bound;
    case '>=':
      return (i) => at(i) >= bound;
    case '<':
      return (i) => at(i) < bound;
    case '<=':
      return (i) => at(i) <= bound;
    default:
      throw unsupportedOperator(c);
  }
}

/** Page tokens are opaque to clients; here they encode the offset. */
function encodePageToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodePageToken(token: unknown): number | undefined {
  if (token === undefined || token === null || token === '') return 0;
  const m = typeof token === 'string' ? /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8')) : null;
  return m ? Number(m[1]) : undefined;
}
