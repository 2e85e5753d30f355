/**
 * Opcodes used by the SIMD kernel (WebAssembly core spec 2.0, section 5.4; SIMD sub-opcodes from
 * the fixed-width SIMD proposal's final binary encoding table). A wrong opcode cannot go
 * unnoticed: the module would fail validation, or the bit-equivalence tests against the
 * reference kernel (test/engines/coherence/kernel-equivalence.test.ts) would fail.
 */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  localGet: 0x20,
  localSet: 0x21,
  f64Store: 0x39,
  i32Const: 0x41,
  f64Const: 0x44,
  i32GeS: 0x4e,
  f64Gt: 0x64,
  i32Add: 0x6a,
  f64Add: 0xa0,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f64ConvertI32S: 0xb7,
  simd: 0xfd,
} as const;

/** Sub-opcodes after the 0xFD prefix. */
export const SIMD = {
  v128Load: 0x00,
  v128Store: 0x0b,
  f64x2Splat: 0x14,
  f64x2ExtractLane: 0x21,
  f64x2Eq: 0x47,
  f64x2Lt: 0x49,
  f64x2Le: 0x4b,
  f64x2Ge: 0x4c,
  v128And: 0x4e,
  v128AndNot: 0x4f,
  v128Or: 0x50,
  v128Xor: 0x51,
  v128Bitselect: 0x52,
  f64x2Floor: 0x75,
  f64x2Add: 0xf0,
  f64x2Sub: 0xf1,
  f64x2Mul: 0xf2,
} as const;

/** Block type "no result". */
export const BLOCK_VOID = 0x40;
