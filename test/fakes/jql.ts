/**
 * A small JQL subset for the Jira fake: clauses combined with AND / OR / NOT and parentheses, an optional
 * trailing ORDER BY (accepted, ignored: results come in creation order, newest first).
 * Operators: = != ~ !~ > >= < <= IN, NOT IN, IS [NOT] EMPTY|NULL. Which fields exist is decided by the
 * caller's `compileClause`, so unknown fields fail the query like Jira does.
 */

export class JqlError extends Error {}

export type JqlOp = '=' | '!=' | '~' | '!~' | '>' | '>=' | '<' | '<=' | 'in' | 'not in' | 'is' | 'is not';

export interface JqlClause {
  field: string;
  op: JqlOp;
  values: string[];
}

export type JqlExpr =
  | { kind: 'and' | 'or'; parts: JqlExpr[] }
  | { kind: 'not'; expr: JqlExpr }
  | { kind: 'clause'; clause: JqlClause };

interface Token {
  kind: 'str' | 'word' | 'op' | '(' | ')' | ',';
  value: string;
  pos: number;
}

const OPERATORS = ['!=', '!~', '>=', '<=', '=', '~', '>', '<'];

function readQuoted(jql: string, start: number): [string, number] {
  const quote = jql[start];
  let value = '';
  for (let i = start + 1; i < jql.length; i++) {
    const c = jql[i];
    if (c === '\\') {
      value += jql[++i] ?? '';
    } else if (c === quote) {
      return [value, i + 1];
    } else {
      value += c;
    }
  }
  throw new JqlError(`The quoted string starting at character ${start + 1} has not been completed.`);
}

export function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      const [value, end] = readQuoted(jql, i);
      tokens.push({ kind: 'str', value, pos: i });
      i = end;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, value: c, pos: i++ });
    } else {
      const op = OPERATORS.find((o) => jql.startsWith(o, i));
      const word = op ?? /^[^\s=!~<>(),"']+/.exec(jql.slice(i))?.[0];
      if (word === undefined) throw new JqlError(`Unexpected character '${c}' at position ${i + 1}.`);
      tokens.push({ kind: op ? 'op' : 'word', value: word, pos: i });
      i += word.length;
    }
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  /** Returns the WHERE expression, or undefined for a query with no restriction (e.g. only ORDER BY). */
  parseQuery(): JqlExpr | undefined {
    const where = this.atOrderBy() || this.done() ? undefined : this.parseOr();
    if (this.atOrderBy()) this.skipOrderBy();
    if (!this.done()) throw this.error('Expecting AND, OR or ORDER BY');
    return where;
  }

  private parseOr(): JqlExpr {
    const parts = [this.parseAnd()];
    while (this.keyword('or')) parts.push(this.parseAnd());
    return parts.length === 1 ? (parts[0] as JqlExpr) : { kind: 'or', parts };
  }

  private parseAnd(): JqlExpr {
    const parts = [this.parseUnary()];
    while (this.keyword('and')) parts.push(this.parseUnary());
    return parts.length === 1 ? (parts[0] as JqlExpr) : { kind: 'and', parts };
  }

  private parseUnary(): JqlExpr {
    if (this.keyword('not')) return { kind: 'not', expr: this.parseUnary() };
    if (this.peek()?.kind === '(') {
      this.i++;
      const inner = this.parseOr();
      this.expect(')');
      return inner;
    }
    return { kind: 'clause', clause: this.parseClause() };
  }

  private parseClause(): JqlClause {
    const fieldToken = this.next();
    if (!fieldToken || (fieldToken.kind !== 'word' && fieldToken.kind !== 'str')) throw this.error('Expecting a field name');
    const field = fieldToken.value;
    const opToken = this.next();
    if (opToken?.kind === 'op') return { field, op: opToken.value as JqlOp, values: [this.parseValue()] };
    const opWord = opToken?.kind === 'word' ? opToken.value.toLowerCase() : undefined;
    if (opWord === 'in') return { field, op: 'in', values: this.parseList() };
    if (opWord === 'not' && this.keyword('in')) return { field, op: 'not in', values: this.parseList() };
    if (opWord === 'is') {
      const negated = this.keyword('not');
      const value = this.next();
      if (!value || !/^(empty|null)$/i.test(value.value)) throw this.error('Expecting EMPTY or NULL after IS');
      return { field, op: negated ? 'is not' : 'is', values: [] };
    }
    throw this.error(`Expecting operator after field '${field}'`);
  }

  private parseValue(): string {
    const t = this.next();
    if (!t || (t.kind !== 'word' && t.kind !== 'str')) throw this.error('Expecting a value');
    return t.value;
  }

  private parseList(): string[] {
    this.expect('(');
    const values = [this.parseValue()];
    while (this.peek()?.kind === ',') {
      this.i++;
      values.push(this.parseValue());
    }
    this.expect(')');
    return values;
  }

  private atOrderBy(): boolean {
    const [a, b] = [this.tokens[this.i], this.tokens[this.i + 1]];
    return a?.kind === 'word' && a.value.toLowerCase() === 'order' && b?.kind === 'word' && b.value.toLowerCase() === 'by';
  }

  private skipOrderBy(): void {
    this.i += 2;
    if (this.done()) throw this.error('Expecting a field name after ORDER BY');
    this.i = this.tokens.length;
  }

  private keyword(word: string): boolean {
    const t = this.peek();
    if (t?.kind === 'word' && t.value.toLowerCase() === word) {
      this.i++;
      return true;
    }
    return false;
  }

  private expect(kind: Token['kind']): void {
    if (this.next()?.kind !== kind) throw this.error(`Expecting '${kind}'`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(): Token | undefined {
    return this.tokens[this.i++];
  }

  private done(): boolean {
    return this.i >= this.tokens.length;
  }

  private error(message: string): JqlError {
    const t = this.tokens[Math.min(this.i, this.tokens.length) - 1];
    return new JqlError(`Error in the JQL Query: ${message}${t ? ` (near '${t.value}', character ${t.pos + 1})` : ''}.`);
  }
}

/** Parses JQL; throws JqlError with a Jira-like message. Undefined means "no restriction". */
export function parseJql(jql: string): JqlExpr | undefined {
  return new Parser(tokenize(jql)).parseQuery();
}

/**
 * Compiles an expression into a predicate. `compileClause` validates each clause up front (unknown fields,
 * unsupported operators, unknown values throw JqlError) so errors surface even when nothing would match.
 */
export function compileJql<T>(expr: JqlExpr, compileClause: (c: JqlClause) => (item: T) => boolean): (item: T) => boolean {
  switch (expr.kind) {
    case 'clause':
      return compileClause(expr.clause);
    case 'not': {
      const inner = compileJql(expr.expr, compileClause);
      return (item) => !inner(item);
    }
    case 'and':
    case 'or': {
      const parts = expr.parts.map((p) => compileJql(p, compileClause));
      return expr.kind === 'and' ? (item) => parts.every((p) => p(item)) : (item) => parts.some((p) => p(item));
    }
  }
}

/** Matches a list of values (e.g. labels) against a clause's operator. */
export function matchList(clause: JqlClause, actual: string[], eq: (a: string, b: string) => boolean = (a, b) => a === b): boolean {
  const hasAny = (vs: string[]): boolean => vs.some((v) => actual.some((a) => eq(a, v)));
  switch (clause.op) {
    case '=':
    case 'in':
      return hasAny(clause.values);
    case '!=':
    case 'not in':
      return !hasAny(clause.values);
    case 'is':
      return actual.length === 0;
    case 'is not':
      return actual.length > 0;
    default:
      throw unsupportedOperator(clause);
  }
}

export function unsupportedOperator(clause: JqlClause): JqlError {
  return new JqlError(`The operator '${clause.op.toUpperCase()}' is not supported by the '${clause.field}' field.`);
}

/** JQL date values: relative (`-7d`, `-4h`, `-30m`, `-2w`) or absolute (`2024-08-13`, `2024-08-13 15:58`). */
export function parseJqlDate(value: string, now = Date.now()): number {
  const rel = /^([-+]?)(\d+)([wdhm])$/.exec(value);
  if (rel) {
    const unit = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 }[rel[3] as 'w' | 'd' | 'h' | 'm'];
    return now + (rel[1] === '-' ? -1 : 1) * Number(rel[2]) * unit;
  }
  const abs = /^(\d{4})[-/](\d{2})[-/](\d{2})(?: (\d{2}):(\d{2}))?$/.exec(value);
  if (abs) return Date.UTC(Number(abs[1]), Number(abs[2]) - 1, Number(abs[3]), Number(abs[4] ?? 0), Number(abs[5] ?? 0));
  throw new JqlError(
    `Date value '${value}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', ` +
      `'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
  );
}
