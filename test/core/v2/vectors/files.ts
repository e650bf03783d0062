// The v2 vector files and their generators (generate.ts writes them, vectors-fresh.test.ts compares them).
import { bundleVectors } from "./bundle.ts";
import { envelopeVectors } from "./envelope.ts";
import { envelopeProofVectors } from "./envelope-proof.ts";
import { recordVectors } from "./records.ts";

export const V2_VECTOR_FILES: [name: string, generate: () => unknown][] = [
  ["records.json", recordVectors], ["envelope.json", envelopeVectors], ["bundle.json", bundleVectors], ["envelope-proof.json", envelopeProofVectors],
];
