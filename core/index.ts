// otledger protocol core: pure functions and schemas shared by server, edge and auditor.
export * from "./errors.ts";
export * from "./hex.ts";
export * from "./time.ts";
export * from "./text.ts";
export * from "./opc-value.ts";
export * from "./opc-encode.ts";
export * from "./record.ts";
export * from "./canonical.ts";
export * from "./hash.ts";
export * from "./merkle.ts";
export * from "./envelope.ts";
export * from "./envelope-check.ts";
export * from "./bundle.ts";
export * from "./verify.ts";
export * from "./bundle-build.ts";
export * from "./envelope-proof.ts";
