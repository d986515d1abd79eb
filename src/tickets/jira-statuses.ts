/**
 * Jira statuses tried, in order, to close an issue and to reopen it (workflows differ between sites).
 * `done` also stands for any status in Jira's done category, tried only when no named one matches.
 */
export const JIRA_DONE = ['done', 'Done', 'Closed', 'Resolved'];
export const JIRA_REOPENED = ['To Do', 'Open', 'Reopened', 'Reopen'];
