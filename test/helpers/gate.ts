/** A promise a test opens by hand: what a fake's `holdUntil` waits for (Node 20 has no Promise.withResolvers). */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}
