/**
 * Typed API errors. Every error response is JSON `{"error": {"code": "...", "message": "..."}}`
 * with a 4xx status for anything the client did (bad input, too much, too fast, unknown id),
 * and a 5xx only for the node's own trouble (an acknowledgement that timed out, a store
 * failure). The codes are stable; clients branch on them.
 */
import { ThermoError } from '../../core/index.js';

export type ApiErrorCode =
  | 'BAD_REQUEST'
  | 'MALFORMED_JSON'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_FOUND'
  | 'NOT_SUPPORTED'
  | 'BAD_PATH'
  | 'METHOD_NOT_ALLOWED'
  | 'RATE_LIMITED'
  | 'TOO_MANY_STREAMS'
  | 'MALFORMED_TX'
  | 'BAD_SIGNATURE'
  | 'WRONG_CHAIN'
  | 'INVALID_TX'
  | 'TX_REJECTED'
  | 'TX_UNKNOWN'
  | 'BUSY'
  | 'ACK_TIMEOUT'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export type ApiErrorType = { code: ApiErrorCode; status: number; detail?: string };

export class ApiError extends ThermoError<ApiErrorType> {
  get status(): number {
    return this.type.status;
  }
}

export function apiError(status: number, code: ApiErrorCode, message: string, detail?: string): ApiError {
  return new ApiError({ code, status, ...(detail === undefined ? {} : { detail }) }, message);
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly detail?: string };
}

export function errorBody(code: string, message: string, detail?: string): ErrorBody {
  return { error: { code, message, ...(detail === undefined ? {} : { detail }) } };
}
