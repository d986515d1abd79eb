/**
 * The embedded SIEM: DuckDB over JSON-lines logs, one folder per table named by Panther's rule
 * (`okta_systemlog/*.jsonl[.gz]`). Each table is loaded into an in-memory DuckDB table and reloaded when
 * its files change (new files are picked up without a restart). Every value from an alert is a bound
 * parameter, never SQL text.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { IndicatorSearch, LoginLocations, RecentLogins } from '../../domain/enrichment';
import { DAY_MS } from '../../domain/time';
import { GENERIC_TIME_FIELDS, LOGIN_PROFILES, loginProfileFor, type FieldPath, type LoginProfile } from '../log-profiles';
import {
  SiemQueryError,
  type IndicatorSearchQuery,
  type LoginLocationsQuery,
  type RecentLoginsQuery,
  type Siem,
} from '../siem';
import { SEARCH_LINK_TTL_MS, signSearchLink } from './search-link';
import { errorMessage } from '../../logging/error-message';

const TABLE_NAME = /^[a-z0-9][a-z0-9_]{0,127}$/;
const LOG_FILE = /\.(jsonl|ndjson|json)(\.gz)?$/;
const ISO = "'%Y-%m-%dT%H:%M:%S.%gZ'";

export interface LocalSiemOptions {
  logsDir: string;
  /** Base URL of the API that serves the results page (`<publicUrl>/siem/search`). */
  publicUrl: string;
  /** Signs the results links (searchLinkKey of WEBHOOK_SECRET); without it links go unsigned. */
  linkKey?: Buffer;
  /** How long a signed link opens: as long as its ticket can be open. Default SEARCH_LINK_TTL_MS. */
  linkTtlMs?: number;
  /** How often at most the log folders are checked for new or changed files. */
  refreshIntervalMs?: number;
  /** Told about a log file that cannot be read (it is skipped; the rest of its table still loads). */
  onWarning?: (message: string) => void;
}

export interface SearchHit {
  table: string;
  time: string;
  event: string;
}

interface LogFile {
  path: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

interface LoadedTable {
  fingerprint: string;
  rows: number;
}

/** The files as DuckDB reads them: one JSON object per line; a malformed line is skipped. */
function jsonSource(files: string[]): string {
  return `read_json_objects([${files.map(sqlString).join(', ')}], format = 'newline_delimited', ignore_errors = true, maximum_object_size = 16777216)`;
}

/** `$."actor"."alternateId"` — keys come from our own profiles, quoted so `@timestamp` works too. */
function jsonPath(p: FieldPath): string {
  return `'$.${p.map((k) => `"${k.replace(/["'\\]/g, '')}"`).join('.')}'`;
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A field's time: an ISO-8601 string, or an epoch number (JSON number or digits, as CrowdStrike and many
 * collectors write it) read by its size — seconds below 10^11 (as parseTimestamp reads alerts), then
 * milli-, micro- and nanoseconds. An epoch outside 2000–2100 is no event time (a duration of 35, a compact
 * date 20250610123000): NULL, so the next time field is tried.
 */
function timeValue(p: FieldPath): string {
  const v = `json_extract_string(json, ${jsonPath(p)})`;
  const n = `CAST(${v} AS DOUBLE)`;
  const seconds = `(${n} / CASE WHEN ${n} < 1e11 THEN 1 WHEN ${n} < 1e14 THEN 1e3 WHEN ${n} < 1e17 THEN 1e6 ELSE 1e9 END)`;
  return (
    `CASE WHEN regexp_full_match(${v}, '\\d{1,19}(\\.\\d*)?') ` +
    `THEN CASE WHEN ${seconds} BETWEEN ${EPOCH_2000} AND ${EPOCH_2100} THEN to_timestamp(${seconds}) END ` +
    `ELSE TRY_CAST(${v} AS TIMESTAMPTZ) END`
  );
}

const EPOCH_2000 = Date.UTC(2000, 0, 1) / 1000;
const EPOCH_2100 = Date.UTC(2100, 0, 1) / 1000;

function timeExpression(paths: readonly FieldPath[]): string {
  return `coalesce(${paths.map(timeValue).join(', ')})`;
}

function profileColumns(profile: LoginProfile | undefined): string {
  if (!profile) return '';
  const field = (p: FieldPath | undefined, name: string) =>
    p ? `, json_extract_string(json, ${jsonPath(p)}) AS ${name}` : `, NULL::VARCHAR AS ${name}`;
  const success = profile.successfulLogin
    .map((c) => `json_extract_string(json, ${jsonPath(c.path)}) = ${sqlString(c.equals)}`)
    .join(' AND ');
  return (
    `, lower(json_extract_string(json, ${jsonPath(profile.user)})) AS login_user` +
    field(profile.ip, 'login_ip') +
    field(profile.city, 'login_city') +
    field(profile.country, 'login_country') +
    field(profile.userAgent, 'login_ua') +
    `, coalesce(${success}, false) AS login_success`
  );
}

export class LocalSiem implements Siem {
  readonly kind = 'local';
  private readonly tables = new Map<string, LoadedTable>();
  /** Folders none of whose files could be read, by fingerprint: not probed (nor warned about) again until they change. */
  private readonly unreadable = new Map<string, string>();
  /** Table folders that cannot be listed, with the reason last warned about. */
  private readonly unlistable = new Map<string, string>();
  private lastRefresh = 0;
  private refreshing?: Promise<void>;

  private constructor(
    private readonly db: DuckDBInstance,
    private readonly options: LocalSiemOptions & Required<Omit<LocalSiemOptions, 'linkKey' | 'onWarning'>>,
  ) {}

  static async open(options: LocalSiemOptions): Promise<LocalSiem> {
    // One thread: these are small queries that a second thread does not speed up (measured), and each
    // thread keeps its own buffers (-60 MB of RSS over the sample logs) and competes with the worker.
    const db = await DuckDBInstance.create(':memory:', { threads: '1' });
    const siem = new LocalSiem(db, { refreshIntervalMs: 2000, linkTtlMs: SEARCH_LINK_TTL_MS, ...options });
    // GLOBAL: the setting is per connection otherwise, and every query opens its own connection.
    await siem.withConnection((c) => c.run("SET GLOBAL TimeZone = 'UTC'"));
    return siem;
  }

  async close(): Promise<void> {
    this.db.closeSync();
  }

  /** Tables currently loaded, with their row counts. */
  async describe(): Promise<Array<{ table: string; rows: number }>> {
    await this.refresh();
    return [...this.tables].map(([table, t]) => ({ table, rows: t.rows }));
  }

  async indicatorSearch(q: IndicatorSearchQuery): Promise<IndicatorSearch> {
    await this.refresh();
    const range = this.range(q);
    const tables = [...this.tables.keys()];
    const days = Math.round((q.to.getTime() - q.from.getTime()) / DAY_MS);
    const link = this.searchLink(q);
    if (tables.length === 0) {
      return { indicator: q.indicator, ...range, days, hits: 0, tables: [], link };
    }
    // The IP appears as a JSON string value ("1.2.3.4") wherever the source put it: an exact token match.
    const sql = tables
      .map(
        (t) =>
          `SELECT ${sqlString(t)} AS tbl, count(*)::INTEGER AS hits, min(ts) AS first_ts, max(ts) AS last_ts ` +
          `FROM "${t}" WHERE ts >= $from::TIMESTAMPTZ AND ts < $to::TIMESTAMPTZ AND contains(raw, $needle)`,
      )
      .join(' UNION ALL ');
    const rows = await this.query(
      `SELECT tbl, hits, strftime(first_ts, ${ISO}) AS first_seen, strftime(last_ts, ${ISO}) AS last_seen FROM (${sql}) WHERE hits > 0 ORDER BY hits DESC`,
      { ...range, needle: JSON.stringify(q.indicator) },
    );
    const hits = rows.reduce((sum, r) => sum + Number(r.hits), 0);
    const firsts = rows.map((r) => String(r.first_seen)).sort();
    const lasts = rows.map((r) => String(r.last_seen)).sort();
    return {
      indicator: q.indicator,
      ...range,
      days,
      hits,
      firstSeen: firsts[0],
      lastSeen: lasts[lasts.length - 1],
      tables: rows.map((r) => ({ table: String(r.tbl), hits: Number(r.hits) })),
      link,
    };
  }

  /** The matching events themselves, newest first — for the results page behind the ticket's link. */
  async searchEvents(q: IndicatorSearchQuery, limit = 200): Promise<SearchHit[]> {
    await this.refresh();
    const tables = [...this.tables.keys()];
    if (tables.length === 0) return [];
    const sql = tables
      .map(
        (t) =>
          `SELECT ${sqlString(t)} AS tbl, ts, raw FROM "${t}" ` +
          `WHERE ts >= $from::TIMESTAMPTZ AND ts < $to::TIMESTAMPTZ AND contains(raw, $needle)`,
      )
      .join(' UNION ALL ');
    const rows = await this.query(
      `SELECT tbl, strftime(ts, ${ISO}) AS time, raw FROM (${sql}) ORDER BY ts DESC LIMIT ${Math.max(1, Math.min(limit, 1000))}`,
      { ...this.range(q), needle: JSON.stringify(q.indicator) },
    );
    return rows.map((r) => ({ table: String(r.tbl), time: String(r.time), event: String(r.raw) }));
  }

  async loginLocations(q: LoginLocationsQuery): Promise<LoginLocations> {
    const table = await this.loginTable(q.logType);
    const params = { ...this.range(q), user: q.user.toLowerCase() };
    const where = `login_success AND login_user = $user AND ts >= $from::TIMESTAMPTZ AND ts < $to::TIMESTAMPTZ`;
    const rows = await this.query(
      `SELECT login_ip AS ip, arg_max(login_city, ts) AS city, arg_max(login_country, ts) AS country, ` +
        `count(*)::INTEGER AS n, strftime(max(ts), ${ISO}) AS last_seen, sum(count(*)) OVER ()::INTEGER AS total ` +
        `FROM "${table}" WHERE ${where} GROUP BY login_ip ORDER BY n DESC, max(ts) DESC LIMIT ${Math.max(1, Math.min(q.limit, 100))}`,
      params,
    );
    return {
      user: q.user,
      days: Math.round((q.to.getTime() - q.from.getTime()) / DAY_MS),
      totalLogins: rows.length ? Number(rows[0]?.total) : 0,
      locations: rows.map((r) => ({
        ip: String(r.ip ?? 'unknown'),
        city: r.city == null ? undefined : String(r.city),
        country: r.country == null ? undefined : String(r.country),
        count: Number(r.n),
        lastSeen: String(r.last_seen),
      })),
    };
  }

  async recentLogins(q: RecentLoginsQuery): Promise<RecentLogins> {
    const table = await this.loginTable(q.logType);
    const rows = await this.query(
      `SELECT strftime(ts, ${ISO}) AS time, login_ip AS ip, login_city AS city, login_country AS country, login_ua AS ua ` +
        `FROM "${table}" WHERE login_success AND login_user = $user AND ts >= $from::TIMESTAMPTZ AND ts < $to::TIMESTAMPTZ ` +
        `ORDER BY ts DESC LIMIT ${Math.max(1, Math.min(q.limit, 100))}`,
      { ...this.range(q), user: q.user.toLowerCase() },
    );
    const opt = (v: unknown) => (v == null ? undefined : String(v));
    return {
      user: q.user,
      logins: rows.map((r) => ({
        time: String(r.time),
        ip: opt(r.ip),
        city: opt(r.city),
        country: opt(r.country),
        userAgent: opt(r.ua),
      })),
    };
  }

  searchLink(q: IndicatorSearchQuery): string {
    const query = { indicator: q.indicator, from: q.from.toISOString(), to: q.to.toISOString() };
    const params = new URLSearchParams(query);
    if (this.options.linkKey) {
      const exp = Math.floor((Date.now() + this.options.linkTtlMs) / 1000);
      params.set('exp', String(exp));
      params.set('sig', signSearchLink(this.options.linkKey, { ...query, exp }));
    }
    return `${this.options.publicUrl}/siem/search?${params.toString()}`;
  }

  private range(q: { from: Date; to: Date }): { from: string; to: string } {
    return { from: q.from.toISOString(), to: q.to.toISOString() };
  }

  private async loginTable(logType: string): Promise<string> {
    const profile = loginProfileFor(logType);
    if (!profile) throw new SiemQueryError(`no login history is known for LogType ${logType}`);
    await this.refresh();
    if (!this.tables.has(profile.table)) {
      throw new SiemQueryError(`no ${profile.table} logs in ${this.options.logsDir}`);
    }
    return profile.table;
  }

  private async query(sql: string, params: Record<string, DuckDBValue>): Promise<Record<string, unknown>[]> {
    return this.withConnection(async (c) => (await c.runAndReadAll(sql, params)).getRowObjectsJson());
  }

  private async withConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.db.connect();
    try {
      return await fn(connection);
    } finally {
      connection.closeSync();
    }
  }

  /** Reloads tables whose files changed; at most once per refresh interval, one refresh at a time. */
  private async refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    if (Date.now() - this.lastRefresh < this.options.refreshIntervalMs) return;
    this.refreshing = this.reloadChangedTables().finally(() => {
      this.lastRefresh = Date.now();
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async reloadChangedTables(): Promise<void> {
    const { folders, unlistable } = await this.listTableFolders();
    for (const [table, files] of folders) {
      // The change time too: a chmod or chown that makes a skipped file readable changes only that.
      const fingerprint = files.map((f) => `${f.path}:${f.size}:${f.mtimeMs}:${f.ctimeMs}`).join('|');
      if (this.tables.get(table)?.fingerprint === fingerprint || this.unreadable.get(table) === fingerprint) continue;
      const rows = await this.loadReadable(table, files.map((f) => f.path));
      if (rows !== undefined) {
        this.tables.set(table, { fingerprint, rows });
        this.unreadable.delete(table);
      } else {
        // None of its files could be read: a loaded table keeps what it had, a new one stays out of the
        // queries (as a folder without logs), until the folder changes.
        this.unreadable.set(table, fingerprint);
      }
    }
    for (const table of [...this.tables.keys()]) {
      // A folder that cannot be listed right now keeps what was loaded from it.
      if (!folders.has(table) && !unlistable.has(table)) {
        await this.withConnection((c) => c.run(`DROP TABLE IF EXISTS "${table}"`));
        this.tables.delete(table);
      }
    }
  }

  private async listTableFolders(): Promise<{ folders: Map<string, Array<LogFile>>; unlistable: Set<string> }> {
    const result = new Map<string, Array<LogFile>>();
    const unlistable = new Set<string>();
    const entries = await fs.readdir(this.options.logsDir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    for (const entry of entries) {
      if (!entry.isDirectory() || !TABLE_NAME.test(entry.name)) continue;
      const dir = path.join(this.options.logsDir, entry.name);
      let listed: string[];
      try {
        listed = await fs.readdir(dir);
      } catch (err) {
        // No permission for the worker's user, or removed since the listing: that folder only, never every query.
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        if (code !== 'ENOENT') {
          unlistable.add(entry.name);
          if (this.unlistable.get(entry.name) !== code) this.options.onWarning?.(`embedded SIEM: skipping the folder ${dir}, which cannot be listed (${code})`);
          this.unlistable.set(entry.name, code);
        }
        continue;
      }
      this.unlistable.delete(entry.name);
      const names = listed.filter((n) => LOG_FILE.test(n)).sort();
      const files = await Promise.all(
        names.map(async (n) => {
          const p = path.join(dir, n);
          // Gone between the listing and now (log rotation): not there.
          const s = await fs.stat(p).catch(() => undefined);
          return s ? { path: p, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs } : undefined;
        }),
      );
      const nonEmpty = files.filter((f): f is LogFile => f !== undefined && f.size > 0);
      if (nonEmpty.length) result.set(entry.name, nonEmpty);
    }
    return { folders: result, unlistable };
  }

  /**
   * Loads the table from the files DuckDB can read. One it cannot (no permission for the worker's user, a
   * truncated .gz) is skipped with a warning instead of failing every query on every table; it is tried
   * again when the folder changes. Undefined when no file could be read.
   */
  private async loadReadable(table: string, files: string[]): Promise<number | undefined> {
    try {
      return await this.load(table, files);
    } catch {
      const readable: string[] = [];
      for (const file of files) {
        try {
          await this.withConnection((c) => c.run(`SELECT count(*) FROM ${jsonSource([file])}`));
          readable.push(file);
        } catch (err) {
          this.options.onWarning?.(`embedded SIEM: skipping ${file}, which cannot be read: ${errorMessage(err).split('\n')[0]}`);
        }
      }
      return readable.length ? this.load(table, readable) : undefined;
    }
  }

  private async load(table: string, files: string[]): Promise<number> {
    const profile = Object.values(LOGIN_PROFILES).find((p) => p.table === table);
    const timeFields = profile ? profile.time : GENERIC_TIME_FIELDS;
    const source = jsonSource(files);
    return this.withConnection(async (c) => {
      await c.run(
        `CREATE OR REPLACE TABLE "${table}" AS ` +
          `SELECT ${timeExpression(timeFields)} AS ts, json::VARCHAR AS raw${profileColumns(profile)} ` +
          `FROM ${source} WHERE json IS NOT NULL`,
      );
      const reader = await c.runAndReadAll(`SELECT count(*)::INTEGER AS n, (count(*) FILTER (WHERE ts IS NULL))::INTEGER AS untimed FROM "${table}"`);
      const counts = reader.getRowObjectsJson()[0];
      const [events, untimed] = [Number(counts?.n ?? 0), Number(counts?.untimed ?? 0)];
      if (untimed > 0) {
        // An event with no time cannot be in any time window: a search would miss it without a word.
        await c.run(`DELETE FROM "${table}" WHERE ts IS NULL`);
        const tried = timeFields.map((f) => f.join('.')).join(', ');
        this.options.onWarning?.(`embedded SIEM: ${untimed} of ${events} events in ${table}/ have no time it can read (tried ${tried}: ISO 8601 or epoch numbers); every search leaves them out`);
      }
      return events - untimed;
    });
  }
}
