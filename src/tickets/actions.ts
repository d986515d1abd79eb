/** The ticket's buttons and how a click maps back to an analyst action. Pure. */
import type { AnalystActionKind } from '../domain/triage-state';

export const ACTIONS_BLOCK_ID = 'autotriage_actions';

export const BUTTONS: ReadonlyArray<{ kind: AnalystActionKind; actionId: string; label: string; style?: 'primary' | 'danger' }> = [
  { kind: 'close_benign', actionId: 'autotriage_close_benign', label: 'Close as benign', style: 'primary' },
  { kind: 'close_false_positive', actionId: 'autotriage_close_false_positive', label: 'False positive' },
  { kind: 'escalate', actionId: 'autotriage_escalate', label: 'Escalate', style: 'danger' },
  { kind: 'assign', actionId: 'autotriage_assign', label: 'Assign to me' },
];

export function actionForButton(actionId: string): AnalystActionKind | undefined {
  return BUTTONS.find((b) => b.actionId === actionId)?.kind;
}
