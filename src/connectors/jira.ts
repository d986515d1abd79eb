/**
 * Jira Cloud through jira.js 5.4 (`Version3Client`; v6 needs Node 22). jira.js does not retry: every
 * failure becomes a ProviderError with a category and the server's Retry-After, and Temporal retries.
 */
import { HttpException, Version3Client } from 'jira.js';
import type { AdfDoc } from '../tickets/jira-issue';
import { ProviderError, categoryForStatus, parseRetryAfter } from './http';
import { errorMessage } from '../logging/error-message';

export interface JiraOptions {
  host: string;
  email: string;
  apiToken: string;
  projectKey: string;
  issueType: string;
  timeoutMs?: number;
}

export interface JiraIssueRef {
  key: string;
  url: string;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as { get?: (n: string) => unknown } & Record<string, unknown>;
  const value = typeof h.get === 'function' ? h.get(name) : h[name];
  return typeof value === 'string' ? value : undefined;
}

function jiraMessages(data: unknown): string {
  if (!data || typeof data !== 'object') return '';
  const d = data as { errorMessages?: unknown; errors?: unknown };
  const messages = Array.isArray(d.errorMessages) ? d.errorMessages.map(String) : [];
  const fields = d.errors && typeof d.errors === 'object' ? Object.entries(d.errors).map(([k, v]) => `${k}: ${String(v)}`) : [];
  return [...messages, ...fields].join('; ').slice(0, 500);
}

/**
 * Fields autotriage sets from its configuration (JIRA_PROJECT_KEY, JIRA_ISSUE_TYPE, the priority names of
 * the severities), and fields the project's create screen must offer. Jira refuses them with a 400 naming
 * the field (apis.md §4.1–4.2): the operator's to fix, like a bad token, so retried until then — not the
 * alert's fault, not dropped.
 */
const CONFIG_FIELDS = ['project', 'issuetype', 'priority'];

function refusesConfiguredField(data: unknown): boolean {
  if (!data || typeof data !== 'object') return false;
  const d = data as { errorMessages?: unknown; errors?: unknown };
  const errors = d.errors && typeof d.errors === 'object' ? Object.entries(d.errors as Record<string, unknown>) : [];
  // A field missing from the create screen (Labels, most often) is the project's setup; a label with a
  // space in it is the request's.
  if (errors.some(([k, v]) => CONFIG_FIELDS.includes(k.toLowerCase()) || /not on the appropriate screen/i.test(String(v)))) return true;
  // A search under a project key Jira does not know: "The value 'SEC' does not exist for the field 'project'."
  return Array.isArray(d.errorMessages) && d.errorMessages.some((m) => /for the field '(project|issuetype|labels|priority)'/i.test(String(m)));
}

export function toProviderError(err: unknown, action: string): ProviderError {
  if (err instanceof HttpException) {
    const cause = err.cause as { response?: { status?: number; headers?: unknown; data?: unknown }; code?: string } | undefined;
    const status = cause?.response?.status;
    if (status === undefined) {
      return new ProviderError('Jira', `${action}: Jira unreachable (${cause?.code ?? err.message})`);
    }
    if (status >= 300 && status < 400) {
      // Redirects are not followed (a POST would come back a GET, Basic credentials would follow it):
      // JIRA_HOST is not the site's own https:// address, and no retry fixes that.
      const to = headerValue(cause?.response?.headers, 'location');
      return new ProviderError('Jira', `${action}: Jira answered with a redirect (HTTP ${status}${to ? ` to ${to.slice(0, 200)}` : ''}): check JIRA_HOST`, { category: 'config', status });
    }
    const detail = jiraMessages(cause?.response?.data);
    const fieldRefused = status === 400 && refusesConfiguredField(cause?.response?.data);
    const category = fieldRefused ? 'config' : categoryForStatus(status);
    const hint = fieldRefused
      ? " (check JIRA_PROJECT_KEY, JIRA_ISSUE_TYPE and that the project's create screen has Labels)"
      : category === 'config'
        ? ' (check JIRA_EMAIL, JIRA_API_TOKEN and the project permissions)'
        : '';
    return new ProviderError('Jira', `${action}: Jira answered HTTP ${status}${detail ? ` — ${detail}` : ''}${hint}`, {
      category,
      status,
      retryAfterMs: parseRetryAfter(headerValue(cause?.response?.headers, 'retry-after')),
    });
  }
  return new ProviderError('Jira', `${action}: ${errorMessage(err)}`);
}

export class JiraClient {
  private readonly client: Version3Client;
  /** The longest one request can take. */
  readonly timeoutMs: number;

  constructor(private readonly options: JiraOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.client = new Version3Client({
      host: options.host,
      authentication: { basic: { email: options.email, apiToken: options.apiToken } },
      baseRequestConfig: { timeout: this.timeoutMs, maxRedirects: 0 },
    });
  }

  issueUrl(key: string): string {
    return `${this.options.host}/browse/${encodeURIComponent(key)}`;
  }

  /**
   * The issue carrying this label, looked for until `indexLagMs` after the call began: Jira's search
   * is eventually consistent, and an issue an earlier attempt created a moment ago may not be found at once.
   */
  async findIssueByLabelSettled(label: string, indexLagMs: number): Promise<JiraIssueRef | undefined> {
    const until = Date.now() + indexLagMs;
    for (let wait = 1_000; ; wait *= 2) {
      const found = await this.findIssueByLabel(label);
      if (found) return found;
      const left = until - Date.now();
      if (left <= 0) return undefined;
      await new Promise((r) => setTimeout(r, Math.min(wait, left)));
    }
  }

  /** The issue carrying this label in the project, if one exists (newest first). */
  async findIssueByLabel(label: string): Promise<JiraIssueRef | undefined> {
    try {
      const page = await this.client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
        jql: `project = "${this.options.projectKey.replace(/"/g, '')}" AND labels = "${label.replace(/["\\]/g, '')}" ORDER BY created DESC`,
        fields: ['summary'],
        maxResults: 1,
      });
      const key = page.issues?.[0]?.key;
      return key ? { key, url: this.issueUrl(key) } : undefined;
    } catch (err) {
      throw toProviderError(err, 'looking for an existing issue');
    }
  }

  /** Whether the issue already has a comment containing `marker` (look-before-create for comments). */
  async hasComment(issueKey: string, marker: string): Promise<boolean> {
    try {
      const page = await this.client.issueComments.getComments({ issueIdOrKey: issueKey, maxResults: 100, orderBy: '-created' });
      return (page.comments ?? []).some((c) => JSON.stringify(c.body ?? '').includes(marker));
    } catch (err) {
      throw toProviderError(err, 'reading the issue comments');
    }
  }

  async addComment(issueKey: string, body: AdfDoc): Promise<void> {
    try {
      await this.client.issueComments.addComment({ issueIdOrKey: issueKey, comment: body as never });
    } catch (err) {
      throw toProviderError(err, 'commenting on the issue');
    }
  }

  /**
   * Moves the issue to the first of `targets` (case-insensitive) that a transition's name or target status
   * matches, in the order of `targets`; failing those, when `targets` includes `done`, to the first status
   * in the `done` category. Transition ids differ per Jira workflow, so they are always looked up. Returns
   * the status reached, or undefined when the issue is already there (for `done`: already in a done
   * status, such as an analyst's `Won't Do`, which is kept) or no transition matches.
   */
  async transition(issueKey: string, targets: string[]): Promise<string | undefined> {
    const wanted = targets.map((t) => t.toLowerCase());
    const lower = (v: unknown) => String(v ?? '').toLowerCase();
    try {
      const issue = await this.client.issues.getIssue({ issueIdOrKey: issueKey, fields: ['status'] });
      const status = (issue.fields as { status?: { name?: string; statusCategory?: { key?: string } } } | undefined)?.status;
      if (wanted.includes(lower(status?.name))) return undefined;
      if (wanted.includes('done') && status?.statusCategory?.key === 'done') return undefined;
      const { transitions = [] } = await this.client.issues.getTransitions({ issueIdOrKey: issueKey });
      // `Done` before `Won't Do`, whichever the workflow lists first: a named target beats the category.
      const named = wanted.map((w) => transitions.find((t) => lower(t.name) === w || lower(t.to?.name) === w)).find((t) => t !== undefined);
      const match = named ?? (wanted.includes('done') ? transitions.find((t) => t.to?.statusCategory?.key === 'done') : undefined);
      if (!match?.id) return undefined;
      await this.client.issues.doTransition({ issueIdOrKey: issueKey, transition: { id: match.id } });
      return match.to?.name ?? match.name;
    } catch (err) {
      throw toProviderError(err, 'transitioning the issue');
    }
  }

  async createIssue(fields: { summary: string; labels: string[]; description: AdfDoc }): Promise<JiraIssueRef> {
    try {
      const created = await this.client.issues.createIssue({
        fields: {
          project: { key: this.options.projectKey },
          issuetype: { name: this.options.issueType },
          summary: fields.summary,
          labels: fields.labels,
          description: fields.description as never,
        },
      });
      return { key: created.key, url: this.issueUrl(created.key) };
    } catch (err) {
      throw toProviderError(err, 'creating the issue');
    }
  }
}
