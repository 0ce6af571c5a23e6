/**
 * One error type for the whole platform. Domain code throws `AppError`; only the edges
 * (route handlers, server actions, gateway HTTP/upgrade handlers) turn it into a response.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  INVALID_NOTEBOOK: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  VERSION_CONFLICT: 409,
  QUOTA_EXCEEDED: 403,
  STORAGE_QUOTA_EXCEEDED: 413,
  TOO_MANY_REQUESTS: 429,
  KERNEL_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type TErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: TErrorCode;
  readonly status: number;
  /** Per-field messages for forms (zod issues flattened). */
  readonly fields?: Record<string, string>;
  /** More for the client to act on, sent beside code and message (a quota refusal's `holders`). */
  readonly extra?: Record<string, unknown>;

  constructor(code: TErrorCode, message: string, fields?: Record<string, string>, extra?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.fields = fields;
    this.extra = extra;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** JSON body of an error response. `reason` is what jupyter_server's gateway client reads. */
export interface TErrorBody {
  code: TErrorCode;
  message: string;
  reason: string;
  fields?: Record<string, string>;
}

/** The body for any thrown value; unknown errors get a generic message (details go to the log). */
export function toErrorBody(err: unknown): { status: number; body: TErrorBody } {
  if (isAppError(err)) {
    return {
      status: err.status,
      body: { ...err.extra, code: err.code, message: err.message, reason: err.message, ...(err.fields ? { fields: err.fields } : {}) },
    };
  }
  const message = 'Something went wrong on our side. Try again; if it keeps happening, contact your administrator.';
  return { status: 500, body: { code: 'INTERNAL', message, reason: message } };
}

/** Flatten zod issues to `{field: message}` and a one-line summary. */
export function fromZodIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  what = 'request',
): AppError {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || '_';
    fields[key] ??= issue.message;
  }
  const summary = Object.entries(fields)
    .map(([k, m]) => (k === '_' ? m : `${k}: ${m}`))
    .join('; ');
  return new AppError('BAD_REQUEST', `Invalid ${what}: ${summary}`, fields);
}
