// otledger protocol v2 (docs/design/PROTOCOL-v2.md), beside v1 until server, edge and auditor move to it.
export * from "./strings.ts";
export * from "./nodeid.ts";
export * from "./opc-value.ts";
export * from "./header.ts";
export * from "./bodies.ts";
export * from "./series.ts";
export * from "./record.ts";
export * from "./errors.ts";
export * from "./commit.ts";
export * from "./record-check.ts";
export * from "./seal.ts";
export * from "./series-samples.ts";
export * from "./envelope.ts";
export * from "./envelope-check.ts";
