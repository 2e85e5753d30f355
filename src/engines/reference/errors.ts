/** Typed errors of the reference engine (a test fixture; see index.ts). */
import { ThermoError } from '../../core/index.js';

export type RefErrorType =
  | { code: 'REF_MALFORMED'; reason: string }
  | { code: 'REF_BAD_PARAMS'; field: string; reason: string }
  | { code: 'REF_CORRUPT_RECORD'; key: string; reason: string };

export class RefError extends ThermoError<RefErrorType> {}
