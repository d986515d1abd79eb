/** The value after a command-line flag (`--rate 5`): missing, or another flag in its place, is a usage error. */
export function flagValue(argv: readonly string[], i: number, flag: string, usage: string): string {
  const v = argv[i];
  if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value\n${usage}`);
  return v;
}
