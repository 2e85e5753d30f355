// PLACEHOLDER until the dmath module lands: replaced by the deterministic implementation.
export declare function sin(x: number): number;
export declare function cos(x: number): number;
export declare function exp(x: number): number;
export declare function log(x: number): number;
