/**
 * What the fuzz suite checks its outputs against, written independently of the code under test:
 * a scanner of Slack mrkdwn control sequences, and a tokenizer of Snowflake SQL string literals.
 */

// ---- Slack ----------------------------------------------------------------------------------------------

/**
 * The labels of the links a ticket carries on purpose (escaped as the renderer escapes labels). A link to
 * the SIEM may point at an alert's URL — made safe by percent-encoding — but its label is always ours.
 */
const OWN_LINK_LABEL = /^(SIEM alert|VirusTotal|AbuseIPDB|GreyNoise|open the search|Jira [A-Z][A-Z0-9]*-\d+) ↗$/;
const OWN_LINK = /^<(https?:\/\/[^\s<>|"`]+)\|([^<>|]*)>$/i;

export interface SlackViolation {
  where: string;
  problem: string;
  text: string;
}

/**
 * Problems in one Slack text: any `<…>` control sequence other than our own links and the mentions the
 * caller allows (analysts who clicked, from signed payloads); any raw `<` or `>` left over (a sign that
 * escaping failed, and `>` starts a quote); any `&` that is not one of the three entities Slack wants.
 */
export function slackTextViolations(text: string, where: string, allowedMentions: ReadonlySet<string> = new Set()): SlackViolation[] {
  const out: SlackViolation[] = [];
  let rest = text;
  for (const m of text.matchAll(/<[^<>]*>/g)) {
    const token = m[0];
    const mention = /^<@([UW][A-Z0-9]+)>$/.exec(token);
    const own = OWN_LINK.exec(token);
    if (mention && allowedMentions.has(mention[1]!)) {
      rest = rest.replace(token, '');
    } else if (own && OWN_LINK_LABEL.test(own[2]!)) {
      rest = rest.replace(token, '');
    } else {
      out.push({ where, problem: `Slack control sequence ${JSON.stringify(token)} that the ticket did not put there on purpose`, text });
    }
  }
  if (/[<>]/.test(rest) && out.length === 0) out.push({ where, problem: 'a raw < or > (unescaped text)', text });
  // Text cut at a Slack limit may end in half an entity before its ellipsis (`&l…`): harmless, shown as is.
  const amp = /&(?!(amp|lt|gt);)(?!(a|am|amp|l|lt|g|gt)?…$)/.exec(rest);
  if (amp) out.push({ where, problem: `a raw & at ${amp.index} (only &amp; &lt; &gt; may appear)`, text });
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every text object's text in Block Kit blocks (any depth), with a JSON-pointer-ish location. */
export function blockTexts(blocks: unknown, at = 'blocks'): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  if (Array.isArray(blocks)) blocks.forEach((b, i) => out.push(...blockTexts(b, `${at}/${i}`)));
  else if (isRecord(blocks)) {
    for (const [key, value] of Object.entries(blocks)) {
      if (key === 'text' && typeof value === 'string') out.push({ where: at, text: value });
      else if (typeof value === 'object') out.push(...blockTexts(value, `${at}/${key}`));
    }
  }
  return out;
}

/** Undoes Slack's three entities, as Slack displays the text. */
export function slackUnescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

// ---- SQL ------------------------------------------------------------------------------------------------

export interface SqlShape {
  /** The statement with every string literal replaced by `?`. */
  skeleton: string;
  /** The literals' values, decoded by Snowflake's rules, in order. */
  literals: string[];
}

const SNOWFLAKE_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '0': '\0', '\\': '\\', "'": "'", '"': '"' };

/**
 * Snowflake's single-quoted string literals: `''` is a quote, and a backslash escapes the next character
 * (`\\`, `\'`, `\n`, …). Everything outside literals — comments, `$$`, `;` — stays in the skeleton, so alert
 * text that escaped its literal changes the skeleton. Throws on an unterminated literal.
 */
export function sqlShape(sql: string): SqlShape {
  let skeleton = '';
  const literals: string[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c !== "'") {
      skeleton += c;
      i++;
      continue;
    }
    let value = '';
    let j = i + 1;
    for (;;) {
      if (j >= sql.length) throw new Error(`unterminated string literal starting at ${i}: ${sql.slice(i, i + 80)}`);
      const d = sql[j]!;
      if (d === '\\') {
        const next = sql[j + 1];
        if (next === undefined) throw new Error(`unterminated string literal starting at ${i}`);
        value += SNOWFLAKE_ESCAPES[next] ?? next;
        j += 2;
      } else if (d === "'") {
        if (sql[j + 1] === "'") {
          value += "'";
          j += 2;
        } else break;
      } else {
        value += d;
        j++;
      }
    }
    literals.push(value);
    skeleton += '?';
    i = j + 1;
  }
  return { skeleton, literals };
}
