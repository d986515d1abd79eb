/** The workflow module the worker bundles: every workflow type, and nothing that does I/O. */
export { alertTriage } from './alert-triage';
export { oktaTriage, genericTriage } from './log-type-triage';
