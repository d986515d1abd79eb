/**
 * Writes the generated Okta System Log sample as JSON lines, one file per UTC
 * day: `<dir>/okta_systemlog/<YYYY-MM-DD>.jsonl`, plus `<dir>/.sample-manifest.json`.
 * Events are streamed (never all in memory as text) into a staging folder and moved into place only once
 * all are written, so an interrupted run (Ctrl-C during the first `npm start`) leaves no half sample that
 * the SIEM would load and the next run would take for someone else's logs.
 */

import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import * as path from 'node:path';

import { DEFAULT_DAYS, DEFAULT_SEED, DEFAULT_USERS, SAMPLE_SCENARIOS, iterateOktaEvents, type OktaLogEvent } from './okta-events';

export const OKTA_LOG_FOLDER = 'okta_systemlog';
export const MANIFEST_FILE = '.sample-manifest.json';
/** Where a run writes before it moves its files into place; the dot keeps the SIEM from loading it. */
export const STAGING_FOLDER = '.sample-staging';

/** How this module names its files inside the log folder; it deletes only those its manifest lists. */
const SAMPLE_FILE = /^\d{4}-\d{2}-\d{2}\.jsonl$/;
const DAY_MS = 86_400_000;

export interface WriteSampleLogsOptions {
  now?: Date;
  days?: number;
  users?: number;
  seed?: number;
  onProgress?: (msg: string) => void;
}

export interface WriteSampleLogsResult {
  files: number;
  events: number;
  bytes: number;
  /** `published` of the first event. */
  from: string;
  /** `published` of the last event. */
  to: string;
}

export interface SampleManifest {
  generatedAt: string;
  now: string;
  days: number;
  users: number;
  seed: number;
  events: number;
  /** The files written, so a later run deletes only these (never logs someone put in the folder). */
  files: string[];
  scenarios: typeof SAMPLE_SCENARIOS;
}

/** The day files of the previous run (its manifest lists them) and any other day-named file. */
async function previousFiles(dir: string, logDir: string): Promise<{ ours: string[]; others: string[] }> {
  const named = (await readdir(logDir)).filter((name) => SAMPLE_FILE.test(name));
  const manifest = await readFile(path.join(dir, MANIFEST_FILE), 'utf8')
    .then((text) => JSON.parse(text) as Partial<SampleManifest>)
    .catch(() => undefined);
  // A manifest from before the list: the folder was the generator's, as that release assumed.
  if (manifest && !Array.isArray(manifest.files)) return { ours: named, others: [] };
  const listed = new Set(manifest?.files ?? []);
  return { ours: named.filter((n) => listed.has(n)), others: named.filter((n) => !listed.has(n)) };
}

interface OpenFile {
  day: string;
  name: string;
  stream: WriteStream;
  events: number;
  bytes: number;
}

async function closeFile(file: OpenFile): Promise<void> {
  file.stream.end();
  await finished(file.stream);
}

function mb(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}

export async function writeSampleLogs(dir: string, opts: WriteSampleLogsOptions = {}): Promise<WriteSampleLogsResult> {
  const now = opts.now ?? new Date();
  const days = opts.days ?? DEFAULT_DAYS;
  const users = opts.users ?? DEFAULT_USERS;
  const seed = opts.seed ?? DEFAULT_SEED;
  const progress = opts.onProgress ?? ((): void => undefined);

  // Validates the options before anything on disk is touched.
  const events = iterateOktaEvents({ now, days, users, seed });
  const first = events.next();

  const logDir = path.join(dir, OKTA_LOG_FOLDER);
  await mkdir(logDir, { recursive: true });
  const { ours: stale, others } = await previousFiles(dir, logDir);
  // Days this run writes: a file of the same name that the generator did not write would be overwritten.
  const written = new Set(Array.from({ length: days + 2 }, (_, i) => `${new Date(now.getTime() - i * DAY_MS).toISOString().slice(0, 10)}.jsonl`));
  const clash = others.filter((name) => written.has(name));
  if (clash.length > 0) {
    throw new Error(
      `${logDir} holds log files the sample generator did not write (${clash.slice(0, 3).join(', ')}${clash.length > 3 ? ', …' : ''}), ` +
        'which it would overwrite: move them, or write the sample elsewhere (--out or LOCAL_SIEM_LOGS)',
    );
  }
  // A staging folder left by an interrupted run holds nothing anyone needs.
  const staging = path.join(dir, STAGING_FOLDER);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  progress(`generating ${users} users × ${days} days ending ${now.toISOString()} (seed ${seed}) into ${logDir}`);

  let current: OpenFile | null = null;
  const names: string[] = [];
  let count = 0;
  let bytes = 0;
  let from = '';
  let to = '';

  try {
    for (let it: IteratorResult<OktaLogEvent, void> = first; !it.done; it = events.next()) {
      const event = it.value;
      const day: string = event.published.slice(0, 10);
      if (!current || current.day !== day) {
        if (current) {
          await closeFile(current);
          progress(`  ${OKTA_LOG_FOLDER}/${current.name}  ${current.events} events  ${mb(current.bytes)} MiB`);
        }
        const name: string = `${day}.jsonl`;
        const stream = createWriteStream(path.join(staging, name), { encoding: 'utf8' });
        current = { day, name, stream, events: 0, bytes: 0 };
        names.push(name);
      }
      const line = `${JSON.stringify(event)}\n`;
      const size = Buffer.byteLength(line, 'utf8');
      current.events += 1;
      current.bytes += size;
      bytes += size;
      count += 1;
      if (!from) from = event.published;
      to = event.published;
      if (!current.stream.write(line)) await once(current.stream, 'drain');
    }
    if (current) {
      await closeFile(current);
      progress(`  ${OKTA_LOG_FOLDER}/${current.name}  ${current.events} events  ${mb(current.bytes)} MiB`);
      current = null;
    }
  } catch (err) {
    if (current) current.stream.destroy();
    await rm(staging, { recursive: true, force: true });
    throw err;
  }

  const manifest = (files: string[]): string =>
    `${JSON.stringify({ generatedAt: new Date().toISOString(), now: now.toISOString(), days, users, seed, events: count, files, scenarios: SAMPLE_SCENARIOS } satisfies SampleManifest, null, 2)}\n`;
  const manifestPath = path.join(dir, MANIFEST_FILE);
  // The swap: first a manifest that claims the old files and the new, so that whatever an interruption
  // leaves in the folder, the next run knows it as its own; then the manifest of the new files only.
  await writeFile(manifestPath, manifest([...new Set([...stale, ...names])]), 'utf8');
  for (const name of stale) if (!names.includes(name)) await unlink(path.join(logDir, name));
  if (stale.length > 0) progress(`removed ${stale.length} previous sample file(s) from ${logDir}`);
  if ((await readdir(logDir)).length === 0) {
    // Nothing else in the folder (the first run): one rename, so no interruption leaves part of the sample.
    await rm(logDir, { recursive: true, force: true });
    await rename(staging, logDir);
  } else {
    for (const name of names) await rename(path.join(staging, name), path.join(logDir, name));
  }
  await writeFile(manifestPath, manifest(names), 'utf8');
  await rm(staging, { recursive: true, force: true });
  progress(`moved the files into ${logDir}; wrote manifest ${manifestPath}`);

  return { files: names.length, events: count, bytes, from, to };
}
