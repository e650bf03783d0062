// COSE Receipts (RFC 9942) of the otledger log: docs/PROTOCOL.md §13.
export { ALG_ES256K, LABEL as RECEIPT_LABEL, VDS_RFC9162_SHA256, type AnchorRef } from "./cose.ts";
export { decodeReceipt, type DecodedReceipt } from "./decode.ts";
export { encodeReceipt, type DigestSigner, type ReceiptInput } from "./encode.ts";
export { ReceiptError, type ReceiptErrorCode } from "./errors.ts";
export { receiptFactsQuery, ReceiptFactsSchema, verifyReceipt, type ReceiptEvidence, type ReceiptFacts, type ReceiptFactsQuery, type ReceiptVerification } from "./verify.ts";
