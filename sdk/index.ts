// The otledger client SDK: one typed HTTP client, one LedgerAnchor facts reader, and fetch-and-verify helpers.
// It imports core only, and uses plain fetch (no node: modules), so the same code runs in Node and in a browser.
export { answered, createLedgerApi, ledgerFetch, type LedgerApi, type LedgerApiOptions, type paths } from "./client.ts";
export { httpError, LedgerApiError, type LedgerApiErrorCode } from "./errors.ts";
export { LedgerClient, type Anchored, type LedgerInfo, type PostOutcome } from "./ledger-client.ts";
export * from "./ledger-anchor.ts";
export * from "./chain-facts.ts";
export { fetchStreamAnswer, type StreamAnswerAnswer, type StreamAnswerQuery } from "./stream-answer-route.ts";
export * from "./verify-document.ts";
export { verifyEnvelope, verifyRecord, verifyStreamAnswer, type Fetched } from "./verify.ts";
