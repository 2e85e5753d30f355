/**
 * Typed errors. Every failure that crosses a module boundary is a `ThermoError` whose `type`
 * carries a machine-readable `code` plus the context needed to act on it. Callers branch on
 * `err.type.code`, never on message text. Modelled on Lodestar's `LodestarError<T>`.
 */

/** The payload every error type carries: a stable code and optional structured context. */
export interface ErrorType {
  readonly code: string;
}

export class ThermoError<T extends ErrorType = ErrorType> extends Error {
  readonly type: T;

  constructor(type: T, message?: string) {
    super(message ?? renderType(type));
    this.type = Object.freeze({ ...type });
    this.name = new.target.name;
  }

  get code(): T['code'] {
    return this.type.code;
  }

  /** A JSON-safe view for logs and API responses. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, ...jsonSafe(this.type) };
  }
}

/** True when `err` is a ThermoError, optionally with the given code. */
export function isThermoError(err: unknown, code?: string): err is ThermoError {
  return err instanceof ThermoError && (code === undefined || err.type.code === code);
}

function renderType(type: ErrorType): string {
  const rest = Object.entries(type)
    .filter(([k]) => k !== 'code')
    .map(([k, v]) => `${k}=${String(typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `<${v.length} bytes>` : v)}`);
  return rest.length === 0 ? type.code : `${type.code}: ${rest.join(', ')}`;
}

function jsonSafe(type: ErrorType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(type)) {
    out[k] = typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? `<${v.length} bytes>` : v;
  }
  return out;
}
