/**
 * Workflow changes guarded by `patched()` (see the README, "Replay: check workflow changes against real
 * runs"): runs that started on older code replay their old path; the id is recorded in the history of
 * every run that took the new one.
 */
export const PATCHES = {
  /** The Slack ticket alone opens the alert to analysts; the Jira issue follows when Jira answers. */
  jiraFollowsSlack: 'jira-follows-slack',
  /** An alert that a rule closed without a ticket gets its ticket when the SIEM fires it again. */
  ticketOnReopen: 'ticket-on-reopen',
  /** A provider's 5xx/timeouts are retried by the cache workflow, each retry through the rate budget. */
  transientRetriesOnBudget: 'transient-retries-on-budget',
  /** A re-fire past the reopen window is ignored even while the run is still open (a Jira retry). */
  reopenWithinWindow: 'reopen-within-window',
  /** A malformed autoClose signal is refused (logged) instead of failing the workflow task. */
  refuseMalformedAutoClose: 'refuse-malformed-auto-close',
  /** Jira and SIEM writes after the ticket run in order off the main loop: their retries hold no Slack update or SLA timer. */
  outsideWritesOffLoop: 'outside-writes-off-loop',
  /** A failed LogType child workflow still yields a ticket, its enrichments shown unavailable. */
  ticketWhenEnrichmentFails: 'ticket-when-enrichment-fails',
  /** An alert that expires says so in Slack (buttons gone), in Jira and to the SIEM. */
  expiryIsAnnounced: 'expiry-is-announced',
  /** known-location: an IP no VirusTotal engine analysed (all-zero counts) is unknown, not clean. */
  unanalysedIpNotClean: 'unanalysed-ip-not-clean',
  /** The cache does not continue-as-new while a fetch a late lookup started is still running. */
  noContinueAsNewOverFetch: 'no-continue-as-new-over-fetch',
  /** An alert an analyst escalated gets no "still open" SLA reminder: someone has acted on it. */
  noReminderAfterEscalation: 'no-reminder-after-escalation',
  /** The auto-close rules look again when late enrichment lands on an untouched alert (shadow records, enforce closes). */
  rulesOnLateEnrichment: 'rules-on-late-enrichment',
  /** A close that comes while a reopened alert's ticket is being posted stands (the post no longer reopens it). */
  closeOutlivesRepost: 'close-outlives-repost',
  /** An analyst's escalation that comes while a reopened alert's ticket is being posted stands too. */
  escalationOutlivesRepost: 'escalation-outlives-repost',
  /** An autoClose signal closes an alert whose ticket Slack refused (it used to be dropped). */
  autoCloseWithoutTicket: 'auto-close-without-ticket',
  /** A reopened alert's new ticket waits for a lookup still queued when a signal closed it before its first ticket. */
  lateEnrichmentOnReopen: 'late-enrichment-on-reopen',
  /** known-location v2: an alert that names several users (a spray) is never one user's forgotten password. */
  oneUserOnly: 'known-location-one-user',
  /** An autoClose signal does not close an alert an analyst escalated (an SLA escalation it still may). */
  analystEscalationStands: 'analyst-escalation-stands',
  /** A reopened alert whose Jira issue is still being created does not start a second create. */
  oneJiraCreate: 'one-jira-create',
  /** An enforced auto-close posts its audit line (and creates the closed Jira issue) in the background: their retries hold no re-fire. */
  autoCloseRecordOffLoop: 'auto-close-record-off-loop',
  /** known-location waits for a configured AbuseIPDB/GreyNoise answer still queued behind its budget (it used to close without it). */
  secondOpinionsAwaited: 'second-opinions-awaited',
  /** A Jira issue that lands after its alert was closed and opened again is not closed for the close it missed. */
  landedIssueFollowsState: 'landed-issue-follows-state',
  /** Each late lookup updates the ticket (and lets the rules look again) when it lands, not when the slowest one does. */
  lateLookupsOneByOne: 'late-lookups-one-by-one',
  /** known-location v3: two accounts that share a name in different domains or AWS accounts are two users. */
  knownLocationV3: 'known-location-v3',
  /** A retried Jira create of an alert with a digest label does not look under its plain label (another alert's). */
  digestLabelOnly: 'digest-label-only',
  /** An alert whose ticket Slack refused stays open until it expires: a re-fire posts the ticket again, a signal closes it. */
  failedDeliveryStaysOpen: 'failed-delivery-stays-open',
  /** A refused ticket is posted again one re-fire at a time, and each refusal of a re-post makes the next re-fire wait longer. */
  repostsThrottled: 'reposts-throttled',
  /** Reopening an alert whose ticket Slack refused starts no second watcher of its queued lookups (one is running). */
  oneLateWatcher: 'one-late-watcher',
} as const;
