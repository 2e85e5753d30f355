/**
 * typebox schemas of every route's input and output. Inputs are strict: no extra properties,
 * no type coercion (the server turns coercion off), hex fields by pattern and length.
 */
import { Type } from 'typebox';
import { MAX_CHAIN_ID_LENGTH, MAX_NONCE, MAX_TX_BYTES } from '../../ledger/index.js';

export const Hex32 = Type.String({ pattern: '^(0x)?[0-9a-fA-F]{64}$' });
export const Hex64 = Type.String({ pattern: '^(0x)?[0-9a-fA-F]{128}$' });

export const TxHexBody = Type.Object(
  { tx: Type.String({ minLength: 2, maxLength: 2 + 2 * MAX_TX_BYTES, pattern: '^(0x)?([0-9a-fA-F]{2})+$' }) },
  { additionalProperties: false },
);

export const TxJsonBody = Type.Object(
  {
    chainId: Type.String({ minLength: 1, maxLength: MAX_CHAIN_ID_LENGTH }),
    from: Hex32,
    to: Hex32,
    amount: Type.String({ pattern: '^[0-9]{1,20}$' }),
    nonce: Type.Integer({ minimum: 0, maximum: MAX_NONCE }),
    signature: Hex64,
  },
  { additionalProperties: false },
);

export const SubmitBody = Type.Union([TxHexBody, TxJsonBody]);

/** Most transfers in one POST /txs/batch. */
export const MAX_BATCH = 256;
const TxHex = Type.String({ minLength: 2, maxLength: 2 + 2 * MAX_TX_BYTES, pattern: '^(0x)?([0-9a-fA-F]{2})+$' });
export const BatchBody = Type.Object({ txs: Type.Array(TxHex, { minItems: 1, maxItems: MAX_BATCH }) }, { additionalProperties: false });
/** A full batch of the largest transfers, as JSON, fits. */
export const BATCH_BODY_LIMIT = MAX_BATCH * (2 + 2 * MAX_TX_BYTES + 3) + 64;

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 80, pattern: '^((0x)?[0-9a-fA-F]{64}|[0-9]{1,15})$' }) }, { additionalProperties: false });
export const TxIdParams = Type.Object({ id: Hex32 }, { additionalProperties: false });
export const AddressParams = Type.Object({ address: Hex32 }, { additionalProperties: false });
export const RangeQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
  },
  { additionalProperties: false },
);

export const ErrorSchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), detail: Type.Optional(Type.String()) }),
});

/** GET /dag: at most MAX_DAG_LIMIT vertices; DEFAULT_DAG_LIMIT without `limit`. */
export const MAX_DAG_LIMIT = 256;
export const DEFAULT_DAG_LIMIT = 48;
export const DagQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })) }, { additionalProperties: false });

/** GET /reports/:name/* : the router's wildcard is checked in reports.ts (segments, traversal). */
export const ReportParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }), '*': Type.String({ maxLength: 1024 }) }, { additionalProperties: false });
