/**
 * Opcodes used by the SIMD kernel (WebAssembly core spec 2.0, section 5.4; SIMD sub-opcodes from
 * the fixed-width SIMD proposal's final binary encoding table). Each one is exercised against
 * its scalar JavaScript meaning in test/engines/coherence/wasm-ops.test.ts.
 */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f64Load: 0x2b,
  f64Store: 0x39,
  i32Const: 0x41,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i32LtS: 0x48,
  i32GeS: 0x4e,
  f64Gt: 0x64,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f64ConvertI32S: 0xb7,
  simd: 0xfd,
} as const;

/** Sub-opcodes after the 0xFD prefix. */
export const SIMD = {
  v128Load: 0x00,
  v128Store: 0x0b,
  v128Const: 0x0c,
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
  v128AnyTrue: 0x53,
  f64x2Floor: 0x75,
  f64x2Abs: 0xec,
  f64x2Add: 0xf0,
  f64x2Sub: 0xf1,
  f64x2Mul: 0xf2,
} as const;

/** Block type "no result". */
export const BLOCK_VOID = 0x40;
