/**
 * `POST /slack/interactions`: the ticket's buttons. The signature is checked over the raw body before
 * anything is parsed; an allowed click becomes an Update on the alert's workflow; Slack gets its 200 at
 * once, and a refused click (closed already, not allowed, allow-list unreadable) an ephemeral explanation.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../../logging/logger';
import { actionForButton } from '../../tickets/actions';
import { SLACK_USER_ID } from '../../tickets/slack-ids';
import type { ActionOutcome, ActionSink } from '../analyst-actions';
import { sendError } from '../errors';
import { verifySlackSignature } from '../slack-signature';
import { errorMessage } from '../../logging/error-message';

export interface SlackResponder {
  /** Tell one user something only they see. */
  ephemeral(channel: string, user: string, text: string): Promise<void>;
  /**
   * Whether the user may act (the allow-list); true when no list is configured. Rejects when the list
   * cannot be read (e.g. a user-group lookup Slack refused), with a message that says why.
   */
  /** Whether the user may act; refuses (throws) when it cannot tell within `waitMs`. */
  allowed(user: string, waitMs?: number): Promise<boolean>;
}

export interface SlackInteractionOptions {
  signingSecret?: string;
  sink: ActionSink;
  responder: SlackResponder;
  log: Logger;
}

const BlockActionsSchema = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: z.string().regex(SLACK_USER_ID), username: z.string().max(100).optional(), name: z.string().max(100).optional() }),
  channel: z.looseObject({ id: z.string().max(40) }).optional(),
  container: z.looseObject({ channel_id: z.string().max(40).optional() }).optional(),
  actions: z
    .array(z.looseObject({ action_id: z.string().max(255), value: z.string().max(2000).optional(), action_ts: z.string().max(40) }))
    .min(1)
    .max(5),
});

const WORKFLOW_ID = /^alert\/[a-z][a-z0-9-]{0,31}\/[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/** Slack wants its 200 within 3 s: what a request may spend before answering, with room for the network. */
const ANSWER_WITHIN_MS = 2_500;

export function slackInteractionRoutes(o: SlackInteractionOptions): Router {
  const router = express.Router();
  router.post('/slack/interactions', express.raw({ type: () => true, limit: 256 * 1024 }), async (req, res) => {
    if (!o.signingSecret) return sendError(res, 503, 'Slack interactivity is not configured (SLACK_SIGNING_SECRET)');
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verified = verifySlackSignature(o.signingSecret, req.headers, raw);
    if (!verified.ok) {
      // The reason goes to the log only: a forger learns nothing about which check failed.
      o.log.warn({ reason: verified.reason }, 'Slack interaction rejected');
      return sendError(res, 401, 'unauthorized');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(new URLSearchParams(raw.toString('utf8')).get('payload') ?? '');
    } catch {
      return sendError(res, 400, 'payload is not valid JSON');
    }
    const parsed = BlockActionsSchema.safeParse(payload);
    // Other interaction types (shortcuts, view submissions) are not ours: acknowledge and ignore.
    if (!parsed.success) return res.status(200).end();
    const p = parsed.data;
    const channel = p.channel?.id ?? p.container?.channel_id;
    const tell = (text: string) => {
      if (channel) void o.responder.ephemeral(channel, p.user.id, text).catch((err: unknown) => o.log.warn({ err: String(err) }, 'ephemeral answer failed'));
    };
    const tellOutcome = (outcome: ActionOutcome) => {
      if (outcome.ok === false) tell(outcome.message);
    };

    // One budget for the whole request, allow-list check and updates together: Slack shows the analyst an
    // error if its 200 takes over 3 s. An update still running then reports its outcome ephemerally.
    const answerBy = Date.now() + ANSWER_WITHIN_MS;
    const left = () => Math.max(0, answerBy - Date.now());
    for (const action of p.actions) {
      const kind = actionForButton(action.action_id);
      if (!kind) continue;
      const workflowId = action.value ?? '';
      if (!WORKFLOW_ID.test(workflowId)) {
        o.log.warn({ actionId: action.action_id }, 'Slack action with a value that is not an alert workflow id');
        continue;
      }
      let allowed: boolean;
      try {
        allowed = await o.responder.allowed(p.user.id, left());
      } catch (err) {
        // Fail closed: an unchecked click is refused, but Slack still gets its 200 and the analyst learns why.
        o.log.error({ err, workflowId, action: kind, user: p.user.id }, 'Slack action refused: the allow-list could not be checked');
        tell(`Your click was not applied: ${errorMessage(err)}.`);
        continue;
      }
      if (!allowed) {
        tell('You are not on the list of people who may act on autotriage alerts (SLACK_ALLOWED_USERS / SLACK_ALLOWED_GROUPS).');
        continue;
      }
      const by = { kind: 'analyst' as const, id: p.user.id, name: p.user.username ?? p.user.name };
      const record = (outcome: ActionOutcome, what: string) => {
        const reason = outcome.ok === false ? { reason: outcome.detail ?? outcome.message } : {};
        o.log.info({ workflowId, action: kind, user: p.user.id, outcome: outcome.ok, ...reason }, what);
        tellOutcome(outcome);
      };
      const late = (outcome: ActionOutcome) => record(outcome, 'analyst action (answered late)');
      record(await o.sink.act(workflowId, { kind, by }, `slack-${p.user.id}-${action.action_ts}`, late, left()), 'analyst action');
    }
    res.status(200).end();
  });
  return router;
}
