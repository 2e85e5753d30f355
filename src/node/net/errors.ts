/** Typed errors of the transport: what a peer can get wrong on the wire. */
import { ThermoError } from '../../core/index.js';

export type NetErrorType =
  /** A length prefix announced more bytes than the cap (checked before allocating). */
  | { code: 'NET_FRAME_TOO_LARGE'; size: number; max: number }
  | { code: 'NET_BAD_ENVELOPE'; reason: string }
  /** The envelope names another chain (genesis hash prefix). */
  | { code: 'NET_WRONG_CHAIN' }
  /** A handshake that shows another chain, engine or version. */
  | { code: 'NET_BAD_HELLO'; reason: string }
  /** Engine messages from a peer that is not in the validator set. */
  | { code: 'NET_NOT_VALIDATOR'; peer: string }
  | { code: 'NET_RATE_LIMITED'; peer: string }
  /** The engine's codec refused a message. */
  | { code: 'NET_UNDECODABLE'; reason: string }
  | { code: 'NET_BAD_ADDRESS'; address: string; reason: string };

export type NetErrorCode = NetErrorType['code'];

export class NetError extends ThermoError<NetErrorType> {}
