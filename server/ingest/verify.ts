// Stateless checks of a schema-valid envelope (core's checkEnvelope) plus the canonical text the store keeps.
import { EnvelopeError, checkEnvelope, type Eip712Domain, type Envelope, type Hex32 } from "../../core/index.ts";
import { IngestError } from "./errors.ts";

export type VerifiedEnvelope = {
  envelope: Envelope;
  /** Record hashes (Hex32), in seq order. */
  hashes: Hex32[];
  /** RFC 8785 text of each record: exactly what was hashed. */
  canonicals: string[];
};

const SIGNATURE_CODES = new Set(["signature_invalid", "signature_signer_mismatch"]);

/** Throws IngestError 400 (inconsistent envelope) or 401 (signature) with the field path. */
export function verifyEnvelope(envelope: Envelope, domain: Eip712Domain): VerifiedEnvelope {
  let hashes: Hex32[];
  let canonicals: string[];
  try {
    ({ recordHashes: hashes, canonicals } = checkEnvelope(envelope, domain));
  } catch (err) {
    if (!(err instanceof EnvelopeError)) throw err;
    const status = SIGNATURE_CODES.has(err.code) ? 401 : 400;
    throw new IngestError(status, err.code, err.message, err.path, { expected: err.expected, computed: err.computed });
  }
  canonicals.forEach((c, i) => {
    // PostgreSQL jsonb cannot hold U+0000; refuse it rather than fail the insert.
    if (c.includes("\\u0000")) throw new IngestError(400, "unsupported_character", "U+0000 is not supported in record strings", ["records", i]);
  });
  return { envelope, hashes, canonicals };
}
