/** Every auto-close rule, in the order they are tried. Adding a rule here is all it takes. */
import type { AutoCloseRule } from '../rule';
import { knownLocation } from './known-location';

export const RULES: readonly AutoCloseRule[] = [knownLocation];
