// otledger protocol core (docs/PROTOCOL.md): pure functions and schemas shared by server, edge and auditor.
export * from "./errors.ts";
export * from "./hex.ts";
export * from "./time.ts";
export * from "./canonical.ts";
export * from "./hash.ts";
export * from "./merkle.ts";
export * from "./opc-encode.ts";
export * from "./v2/index.ts";
