/**
 * Delivery activities: the Slack message (or, without Slack, a printed ticket saved under the data dir)
 * and the Jira issue. Each looks before it creates on a retry, so an attempt that timed out after the
 * vendor accepted the write never produces a second message or issue.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import type { JiraClient, JiraIssueRef } from '../connectors/jira';
import { ProviderError } from '../connectors/http';
import type { SlackClient, SlackMessageRef } from '../connectors/slack';
import { ENRICHMENT_SECTIONS, notConfigured, ok, type EnrichmentKey, type Outcome } from '../domain/enrichment';
import { alertLabel, legacyAlertLabel, renderJiraComment, renderJiraIssue } from '../tickets/jira-issue';
import { lineToText } from '../tickets/plain-text';
import { text, type Line } from '../tickets/spans';
import { renderPlainText } from '../tickets/plain-text';
import { escapeMrkdwn, renderSlackLine, renderSlackMessage, verbatimMessage, type SlackMessage } from '../tickets/slack-message';
import { buildTicket, type TicketInput } from '../tickets/ticket';
import { AttemptDeadline } from './attempt-deadline';
import { DELIVERY_POLICY, classified } from './failures';

export interface DeliveryDeps {
  slack?: { client: SlackClient; channel: string; auditChannel?: string };
  jira?: JiraClient;
  /** Where tickets are saved when Slack is not configured. */
  ticketsDir: string;
  /** Where printed tickets go (stdout in the worker). */
  print: (text: string) => void;
}

export type TicketDelivery = ({ kind: 'slack' } & SlackMessageRef) | { kind: 'local'; path: string };

export interface PostTicketInput extends TicketInput {
  /** The triage's start: a retried post looks for an earlier one from this time on. */
  notBefore: string;
  /** An earlier postTicket of this alert failed (a reopened alert's ticket): look even on the first attempt. */
  mayExist?: boolean;
}

export interface CreateJiraIssueOptions {
  /** An earlier create of this alert failed (a reopened alert's issue): look even on the first attempt. */
  mayExist?: boolean;
  /**
   * The run started before alerts of hyphenated sources got digest labels, so its issue may carry the old
   * plain label: a retry looks for that too. False for later runs — the plain label may be another alert's
   * (`acme`/`edr-1` beside `acme-edr`/`1`). Absent in the input of an activity scheduled before this flag: looks.
   */
  legacyLabel?: boolean;
}

/** Slack rejected the blocks themselves (our rendering, not the alert): fall back to text only. */
const BLOCK_ERRORS = new Set(['invalid_blocks', 'invalid_blocks_format', 'msg_blocks_too_long', 'msg_too_long']);

/** Slack's code when it refused the message's blocks (not the message), else undefined. */
function blocksRefused(err: unknown): string | undefined {
  return err instanceof ProviderError && err.details.code && BLOCK_ERRORS.has(err.details.code) ? err.details.code : undefined;
}

/**
 * The ticket as one plain section (whatever broke the blocks is not in it, and the alert's text stays
 * verbatim) with its buttons, so the analysts can still close it from Slack.
 */
function plainTicket(message: SlackMessage, code: string): SlackMessage {
  const text = verbatimMessage(`${message.text}\n(the full ticket could not be rendered: ${escapeMrkdwn(code)})`);
  return { ...text, blocks: [...text.blocks, ...message.blocks.filter((b) => b['type'] === 'actions')] };
}

/** How long a retried create keeps looking for the issue an earlier attempt may have made (Jira's index lag). */
const JIRA_INDEX_LAG_MS = 8_000;

function isRetry(): boolean {
  return Context.current().info.attempt > 1;
}

/** Whether an earlier attempt — of this activity, or one the workflow says failed before — may have written. */
function mayHaveWritten(input: { mayExist?: boolean }): boolean {
  return input.mayExist === true || isRetry();
}

export function createDeliveryActivities(deps: DeliveryDeps) {
  async function saveLocally(input: TicketInput, announce = true): Promise<string> {
    const doc = buildTicket(input);
    const dir = path.join(deps.ticketsDir, input.alert.source);
    await fs.mkdir(dir, { recursive: true });
    // encodeURIComponent is injective, so two alert ids never share a file ("a:b" vs "a_b").
    const base = path.join(dir, encodeURIComponent(input.alert.alertId));
    const plain = renderPlainText(doc);
    await fs.writeFile(`${base}.txt`, `${plain}\n`);
    await fs.writeFile(`${base}.slack.json`, `${JSON.stringify(renderSlackMessage(doc, input.workflowId), null, 2)}\n`);
    if (announce) deps.print(`\n──── ticket ${input.workflowId} (Slack not configured; saved to ${base}.txt) ────\n${plain}\n`);
    return `${base}.txt`;
  }

  return {
    async postTicket(input: PostTicketInput): Promise<TicketDelivery> {
      const slack = deps.slack;
      if (!slack) return { kind: 'local', path: await saveLocally(input) };
      const call = slack.client.timeoutMs;
      const deadline = new AttemptDeadline('Slack');
      return classified(DELIVERY_POLICY, async () => {
        const message = renderSlackMessage(buildTicket(input), input.workflowId);
        if (mayHaveWritten(input)) {
          // Each page, then still room for the post and its text-only fallback.
          const beforePage = () => deadline.ensure(3 * call, 'looking for an earlier post');
          // A retry looks only since this activity was scheduled (less a minute of clock skew): no older post is
          // its own, and in a busy channel — a storm whose posts Slack throttles — the look stays a page or two.
          // A reopened alert's earlier ticket came from another activity: from the triage's start.
          const notBefore = Date.parse(input.notBefore);
          const since = new Date(input.mayExist ? notBefore : Math.max(notBefore, Context.current().info.scheduledTimestampMs));
          const earlier = await slack.client.findAlertMessage(slack.channel, input.workflowId, since, beforePage);
          if (earlier) {
            // A reopened alert's earlier message shows the triage as it was then: bring it up to date. Nice to
            // have — the ticket is there either way, and the next change to it renders it again.
            if (input.mayExist) await slack.client.updateMessage(earlier, message).catch(() => undefined);
            return { kind: 'slack', ...earlier };
          }
        }
        try {
          deadline.ensure(call, 'posting the ticket');
          return { kind: 'slack', ...(await slack.client.postMessage({ channel: slack.channel, alertKey: input.workflowId, ...message })) };
        } catch (err) {
          const refused = blocksRefused(err);
          if (!refused) throw err;
          deadline.ensure(call, 'posting the ticket as text');
          return { kind: 'slack', ...(await slack.client.postMessage({ channel: slack.channel, alertKey: input.workflowId, ...plainTicket(message, refused) })) };
        }
      });
    },

    /** Last resort when Slack refused the ticket for good: keep it on disk and in the logs. */
    async saveTicketLocally(input: TicketInput & { announce?: boolean }): Promise<string> {
      return saveLocally(input, input.announce ?? true);
    },

    async createJiraIssue(input: TicketInput & CreateJiraIssueOptions): Promise<Outcome<JiraIssueRef>> {
      const jira = deps.jira;
      if (!jira) return notConfigured('set JIRA_HOST, JIRA_EMAIL, JIRA_API_TOKEN and JIRA_PROJECT_KEY to open Jira issues');
      const deadline = new AttemptDeadline('Jira');
      return classified(DELIVERY_POLICY, async () => {
        const label = alertLabel(input.alert);
        if (mayHaveWritten(input)) {
          // An earlier attempt may have created the issue a moment before it failed: give the index time.
          const legacy = input.legacyLabel === false ? undefined : legacyAlertLabel(input.alert);
          const existing = (await jira.findIssueByLabelSettled(label, JIRA_INDEX_LAG_MS)) ?? (legacy ? await jira.findIssueByLabel(legacy) : undefined);
          if (existing) return ok(existing);
        }
        deadline.ensure(jira.timeoutMs, 'creating the issue');
        return ok(await jira.createIssue(renderJiraIssue(buildTicket(input), input.alert)));
      });
    },

    /** Adds a comment to the alert's Jira issue, once (a retry first looks for the comment's marker). */
    async commentJiraIssue(input: {
      issueKey: string;
      marker: string;
      intro: string;
      /** Sections of the ticket to include (e.g. a late enrichment). */
      ticket?: TicketInput;
      sections?: EnrichmentKey[];
    }): Promise<void> {
      const jira = deps.jira;
      if (!jira) return;
      const doc = input.ticket && buildTicket(input.ticket);
      const titles = new Set((input.sections ?? []).map((k) => ENRICHMENT_SECTIONS.find((s) => s.key === k)?.title));
      const sections = doc ? doc.sections.filter((s) => titles.has(s.title)) : [];
      await classified(DELIVERY_POLICY, async () => {
        if (isRetry() && (await jira.hasComment(input.issueKey, input.marker))) return;
        await jira.addComment(input.issueKey, renderJiraComment(input.marker, [text(input.intro)], sections));
      });
    },

    /**
     * A reply in the ticket's thread: an analyst's action, an SLA reminder, a reopen. Once per `eventKey`
     * (a retry looks first). Without Slack, the line is printed.
     */
    async postThreadReply(input: { ref?: SlackMessageRef; line: Line; eventKey: string; broadcast?: boolean }): Promise<void> {
      const slack = deps.slack;
      if (!slack || !input.ref) {
        deps.print(`──── ${input.eventKey}: ${lineToText(input.line)}`);
        return;
      }
      const ref = input.ref;
      const deadline = new AttemptDeadline('Slack');
      await classified(DELIVERY_POLICY, async () => {
        if (isRetry()) {
          // Each page, then still room for the reply.
          const beforePage = () => deadline.ensure(2 * slack.client.timeoutMs, 'looking for an earlier reply');
          if (await slack.client.hasReply(ref.channel, ref.ts, input.eventKey, beforePage)) return;
        }
        deadline.ensure(slack.client.timeoutMs, 'replying in the thread');
        await slack.client.postReply({ channel: ref.channel, threadTs: ref.ts, ...renderSlackLine(input.line), eventKey: input.eventKey, broadcast: input.broadcast });
      });
    },

    /**
     * The record of an enforced auto-close: a line in the quiet audit channel (SLACK_AUDIT_CHANNEL).
     * Without one, the decision lives in the workflow (Web UI) and the report only.
     */
    async postAuditLine(input: { line: Line; eventKey: string }): Promise<{ posted: boolean }> {
      const slack = deps.slack;
      if (!slack?.auditChannel) return { posted: false };
      const channel = slack.auditChannel;
      const deadline = new AttemptDeadline('Slack');
      return classified(DELIVERY_POLICY, async () => {
        const beforePage = () => deadline.ensure(2 * slack.client.timeoutMs, 'looking for an earlier audit line');
        // Only since this activity was scheduled (less a minute of clock skew): nothing older is its own post,
        // and the look-up stays within its pages in a busy audit channel.
        const since = new Date(Context.current().info.scheduledTimestampMs);
        if (isRetry() && (await slack.client.findAlertMessage(channel, input.eventKey, since, beforePage))) return { posted: true };
        deadline.ensure(slack.client.timeoutMs, 'posting the audit line');
        await slack.client.postMessage({ channel, ...renderSlackLine(input.line), alertKey: input.eventKey });
        return { posted: true };
      });
    },

    /** Moves the Jira issue (closing flow: Done; reopen: To Do). */
    async transitionJiraIssue(input: { issueKey: string; targets: string[] }): Promise<string | undefined> {
      const jira = deps.jira;
      if (!jira) return undefined;
      return classified(DELIVERY_POLICY, () => jira.transition(input.issueKey, input.targets));
    },

    /** Re-renders the Slack message with what became known after it was posted (the Jira link). */
    async updateSlackTicket(input: TicketInput & { ref: SlackMessageRef }): Promise<void> {
      const slack = deps.slack;
      if (!slack) return;
      const message = renderSlackMessage(buildTicket(input), input.workflowId);
      await classified(DELIVERY_POLICY, () =>
        slack.client.updateMessage(input.ref, message).catch((err: unknown) => {
          // Blocks Slack will not take (the post fell back to text for the same reason): the text, buttons kept.
          const refused = blocksRefused(err);
          if (!refused) throw err;
          return slack.client.updateMessage(input.ref, plainTicket(message, refused));
        }),
      );
    },
  };
}
