/**
 * The message of anything thrown, for logs and replies, with the messages of its causes: the Temporal
 * client says only "Failed to start Workflow" and keeps the server's reason (`3 INVALID_ARGUMENT: …`) in
 * its cause.
 */
export function errorMessage(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const message = e instanceof Error ? e.message : String(e);
    if (message && !parts.some((p) => p.includes(message))) parts.push(message);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(': ');
}
