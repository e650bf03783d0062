// Receipt verification failures (docs/PROTOCOL.md §13.3), each with the evidence that led to it.
import { OtledgerError } from "../errors.ts";

export type ReceiptErrorCode =
  | "receipt_malformed"             // not a tagged COSE_Sign1 of this profile (the message names the part)
  | "receipt_alg_unsupported"       // alg is not ES256K (-47)
  | "receipt_vds_unsupported"       // vds is not RFC9162_SHA256 (1)
  | "receipt_facts_invalid"         // the chain facts do not parse
  | "receipt_leaf_mismatch"         // the receipt's leaf is not the verifier's record hash
  | "receipt_proof_malformed"       // leaf_index >= tree_size, or the path has the wrong number of hashes
  | "receipt_signature_invalid"     // the signature does not recover to kid under the recomputed root
  | "receipt_facts_mismatch"        // the facts were read for another chain, contract, checkpoint or key
  | "receipt_signer_not_registered" // kid is not registered on LedgerAnchor
  | "receipt_signer_not_service"    // kid is registered with the device role, not the service role
  | "receipt_signer_revoked"        // kid is revoked
  | "receipt_checkpoint_missing"    // LedgerAnchor has no checkpoint at the receipt's checkpointIndex
  | "receipt_size_mismatch"         // the proof's tree_size is not the anchored checkpoint's
  | "receipt_root_mismatch";        // the recomputed root is not the anchored root
export class ReceiptError extends OtledgerError<ReceiptErrorCode> {}
