// Verifies a document a verifier holds against the chain alone: it says what it is (its `version`), the facts it
// needs are read from LedgerAnchor through `reader`, and core's verifier judges it. Nothing of the service's is
// trusted: not its answers, not its facts. The browser verifier and verifyRecord / verifyEnvelope / verifyStreamAnswer
// (verify.ts) all go through here.
import {
  BUNDLE_VERSION_V2, BundleV2Schema, ENVELOPE_PROOF_VERSION_V2, EnvelopeProofV2Schema, StreamAnswerSchema,
  verifyBundleV2, verifyEnvelopeProofV2, verifyStreamAnswer as verifyStreamAnswerV1, type ChainFactsV2,
} from "../core/index.ts";
import { readBundleFacts, readEnvelopeFacts, readStreamAnswerFacts } from "./chain-facts.ts";
import type { LedgerAnchorReader } from "./ledger-anchor.ts";

/** One check as core reports it: a name, ✓/✗, and on ✗ a literal code with the expected and computed values. */
export type DocumentCheck = { name: string; ok: boolean; code?: string; expected?: unknown; computed?: unknown; message?: string; skipped?: boolean };
export type DocumentKind = "bundle" | "envelope-proof" | "stream-answer" | "receipt";
export type DocumentVerdict = { kind: DocumentKind; ok: boolean; checks: DocumentCheck[]; facts: ChainFactsV2 | null; detail?: Record<string, unknown> };

/** A verifier for one kind of document, given the chain. Receipts (COSE, RFC 9942-style) plug in here: see registerDocumentVerifier. */
export type DocumentVerifier = {
  kind: DocumentKind;
  matches(doc: unknown): boolean;
  /** Where the document says it is anchored: the chain and contract to connect to (and check against). */
  anchorOf(doc: unknown): { chainId: number; contract: string } | null;
  verify(doc: unknown, reader: LedgerAnchorReader, context: VerifyContext): Promise<DocumentVerdict>;
};
/** What a document cannot carry itself: a receipt proves a record hash the verifier computed from the record it holds. */
export type VerifyContext = { recordHash?: string };

/** The document's kind could not be told: no verifier claims it. */
export class UnknownDocumentError extends Error {
  readonly code = "unknown_document";
  readonly computed: unknown;
  constructor(version: unknown) {
    super(`not a document this verifier knows: version ${JSON.stringify(version) ?? "missing"} (expected ${BUNDLE_VERSION_V2}, ${ENVELOPE_PROOF_VERSION_V2}, otledger.stream-answer/1${verifiers.some((v) => v.kind === "receipt") ? " or a COSE receipt" : ""})`);
    this.name = "UnknownDocumentError";
    this.computed = version;
  }
}

const jsonAnchorOf = (doc: unknown) => {
  const a = (doc as { anchor?: { chainId?: unknown; contract?: unknown } }).anchor;
  return typeof a?.chainId === "number" && typeof a.contract === "string" ? { chainId: a.chainId, contract: a.contract } : null;
};
const versionOf = (doc: unknown) => (typeof doc === "object" && doc !== null ? (doc as { version?: unknown }).version : undefined);
// facts for a document too malformed to query the chain for: core then reports only its schema check
const NO_FACTS: ChainFactsV2 = { chainId: 0, contract: "0x" + "0".repeat(40), checkpoint: null, firstCovering: null, device: { registered: false, revoked: false, revokedAtCheckpoint: 0, role: "device" } };

const verifiers: DocumentVerifier[] = [
  {
    kind: "bundle",
    matches: (doc) => versionOf(doc) === BUNDLE_VERSION_V2,
    anchorOf: jsonAnchorOf,
    async verify(doc, reader) {
      const parsed = BundleV2Schema.safeParse(doc);
      const facts = parsed.success ? await readBundleFacts(reader, parsed.data) : NO_FACTS;
      const result = verifyBundleV2(doc, facts);
      return { kind: "bundle", ok: result.ok, checks: result.checks, facts: parsed.success ? facts : null, detail: { openings: result.openings } };
    },
  },
  {
    kind: "envelope-proof",
    matches: (doc) => versionOf(doc) === ENVELOPE_PROOF_VERSION_V2,
    anchorOf: jsonAnchorOf,
    async verify(doc, reader) {
      const parsed = EnvelopeProofV2Schema.safeParse(doc);
      const facts = parsed.success ? await readEnvelopeFacts(reader, parsed.data) : NO_FACTS;
      const result = verifyEnvelopeProofV2(doc, facts);
      return { kind: "envelope-proof", ok: result.ok, checks: result.checks, facts: parsed.success ? facts : null };
    },
  },
  {
    kind: "stream-answer",
    matches: (doc) => versionOf(doc) === "otledger.stream-answer/1",
    anchorOf: jsonAnchorOf,
    async verify(doc, reader) {
      const parsed = StreamAnswerSchema.safeParse(doc);
      const facts = parsed.success ? await readStreamAnswerFacts(reader, parsed.data) : NO_FACTS;
      const result = verifyStreamAnswerV1(doc, facts);
      return { kind: "stream-answer", ok: result.ok, checks: result.checks, facts: parsed.success ? facts : null, detail: { proven: result.proven } };
    },
  },
];

/** Adds a verifier for another kind of document (the COSE receipt verifier registers itself here), tried first. */
export function registerDocumentVerifier(v: DocumentVerifier): void {
  verifiers.unshift(v);
}

/** The verifier that claims `doc`; throws UnknownDocumentError when none does. */
export function documentVerifier(doc: unknown): DocumentVerifier {
  const verifier = verifiers.find((v) => v.matches(doc));
  if (verifier === undefined) throw new UnknownDocumentError(doc instanceof Uint8Array ? "binary, not a receipt" : versionOf(doc));
  return verifier;
}

/** Verifies `doc` against the chain `reader` reads; throws UnknownDocumentError when no verifier claims it. */
export async function verifyDocument(doc: unknown, reader: LedgerAnchorReader, context: VerifyContext = {}): Promise<DocumentVerdict> {
  return documentVerifier(doc).verify(doc, reader, context);
}
