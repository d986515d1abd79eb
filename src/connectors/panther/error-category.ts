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
const TRANSIENT = /internal|timed? ?out|timeout|unavailable|try again|temporar|unhandled|overloaded|service error/i;
/** The GraphQL spec's validation and coercion messages, and answers about the thing asked for. */
const BAD_REQUEST_MESSAGE =
  /^(syntax error|cannot query field|unknown (argument|type|fragment|directive)|variable "\$|field "[^"]*" (argument|of type|must|is not defined)|argument "|expected (type|value))|got invalid value|not found|does not exist|no such|is invalid|invalid (input|value|argument|id)|must be|is required/i;
const BAD_REQUEST_CODE = /^(GRAPHQL_PARSE_FAILED|GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT|BadRequestException|ValidationError|NotFound)/i;

function code(e: GraphqlError): string {
  return [e.errorType, typeof e.extensions?.code === 'string' ? e.extensions.code : undefined].filter(Boolean).join(' ');
}

export function categoryForGraphqlErrors(errors: GraphqlError[]): { category: FailureCategory; unrecognized: boolean } {
  const any = (re: RegExp) => errors.some((e) => re.test(`${code(e)} ${e.message ?? ''}`));
  if (any(RATE_LIMIT)) return { category: 'rate_limit', unrecognized: false };
  if (any(CONFIG)) return { category: 'config', unrecognized: false };
  if (any(TRANSIENT)) return { category: 'transient', unrecognized: false };
  const badRequest = (e: GraphqlError) => BAD_REQUEST_CODE.test(code(e)) || BAD_REQUEST_MESSAGE.test(e.message ?? '');
  if (errors.length > 0 && errors.every(badRequest)) return { category: 'invalid_request', unrecognized: false };
  return { category: 'transient', unrecognized: true };
}

/**
 * A data lake query that ended `failed`: its message is the warehouse's. A compilation error is the SQL's
 * fault and no retry helps; a warehouse timeout, throttling or internal error is worth another attempt.
 */
export function categoryForFailedQuery(message: string | null | undefined): FailureCategory {
  const text = message ?? '';
  if (RATE_LIMIT.test(text)) return 'rate_limit';
  return TRANSIENT.test(text) ? 'transient' : 'invalid_request';
}
