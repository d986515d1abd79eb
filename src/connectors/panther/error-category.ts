/**
 * What a GraphQL `errors` array (HTTP 200) means for a retry. Panther does not document its error codes
 * (reference/panther.md §2, [I]), so the answer comes from what every GraphQL server says alike: the
 * spec's validation messages and a field that is not found are the request's fault; auth words are
 * configuration; throttling is a rate limit; an internal error or a timeout is transient. Anything else
 * might be a new name for an outage: transient but `unrecognized`, so it is retried for a while and then
 * taken as a refusal (activities/failures.ts) — a write-back is not lost to a message we did not foresee.
 */
import type { FailureCategory } from '../http';

export interface GraphqlError {
  message?: string;
  path?: unknown[];
  /** AWS AppSync puts its code here (`UnauthorizedException`, `Lambda:Unhandled`, …). */
  errorType?: string;
  /** Apollo and most servers put theirs here (`extensions.code`: `UNAUTHENTICATED`, `INTERNAL_SERVER_ERROR`, …). */
  extensions?: { code?: unknown };
}

const RATE_LIMIT = /throttl|rate.?limit|too many requests|quota/i;
const CONFIG = /unauthori[sz]ed|unauthenticated|forbidden|access.?denied|permission|api.?key|invalid token/i;
/** The warehouse's or the API's own trouble, worth another attempt. */
const WAREHOUSE_TRANSIENT = /internal|unavailable|try again|temporar|overloaded|service error/i;
const TRANSIENT = new RegExp(`${WAREHOUSE_TRANSIENT.source}|timed? ?out|timeout|unhandled`, 'i');
const BAD_REQUEST_CODE = /^(GRAPHQL_PARSE_FAILED|GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT|BadRequestException|ValidationError|NotFound)/i;
/** The GraphQL spec's validation and coercion messages: unambiguous, and they quote field names ("internalId"). */
const SPEC_VALIDATION =
  /^(syntax error|cannot query field|unknown (argument|type|fragment|directive)|variable "\$|field "[^"]*" (argument|of type|must|is not defined)|argument "|expected (type|value))|got invalid value/i;
/** Answers about the thing asked for. */
const NOT_FOUND_OR_INVALID = /not found|does not exist|no such|is invalid|invalid (input|value|argument|id)|must be|is required/i;

const BY_CODE: Array<[RegExp, FailureCategory]> = [[RATE_LIMIT, 'rate_limit'], [CONFIG, 'config'], [BAD_REQUEST_CODE, 'invalid_request'], [TRANSIENT, 'transient']];
const BY_MESSAGE: Array<[RegExp, FailureCategory]> = [[SPEC_VALIDATION, 'invalid_request'], [RATE_LIMIT, 'rate_limit'], [CONFIG, 'config'], [TRANSIENT, 'transient'], [NOT_FOUND_OR_INVALID, 'invalid_request']];

/** One error: by its code when it has one the patterns know, else by its message; undefined if neither says. */
function classify(e: GraphqlError): FailureCategory | undefined {
  const code = [e.errorType, typeof e.extensions?.code === 'string' ? e.extensions.code : undefined].filter(Boolean).join(' ');
  const message = e.message ?? '';
  return (code ? BY_CODE.find(([re]) => re.test(code)) : undefined)?.[1] ?? BY_MESSAGE.find(([re]) => re.test(message))?.[1];
}

/** The most actionable answer across the errors: wait for a rate limit, fix config, retry, or give up. */
export function categoryForGraphqlErrors(errors: GraphqlError[]): { category: FailureCategory; unrecognized: boolean } {
  const found = errors.map(classify);
  for (const category of ['rate_limit', 'config', 'transient'] as const) if (found.includes(category)) return { category, unrecognized: false };
  if (found.length > 0 && found.every((c) => c === 'invalid_request')) return { category: 'invalid_request', unrecognized: false };
  return { category: 'transient', unrecognized: true };
}

/**
 * A data lake query that ended `failed`: its message is the warehouse's. A compilation error is the SQL's
 * fault, and a statement the warehouse stopped for running too long would cost as much again (as one we
 * cancel ourselves is not re-run): neither is retried. Throttling or an internal error is.
 */
export function categoryForFailedQuery(message: string | null | undefined): FailureCategory {
  const text = message ?? '';
  if (RATE_LIMIT.test(text)) return 'rate_limit';
  // Any other failure, a statement timeout included, is the query's: only the warehouse's own trouble is retried.
  return WAREHOUSE_TRANSIENT.test(text) ? 'transient' : 'invalid_request';
}
