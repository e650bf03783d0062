// The hook for COSE receipts (RFC 9942, docs/PROTOCOL.md §13): a binary document is offered to the receipt verifier
// registered here. Until core has a receipt verifier on this branch, none is registered and a binary file is
// answered "unknown_document".
export {};
