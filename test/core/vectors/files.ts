// The vector files and their generators (generate.ts writes them, vectors-fresh.test.ts compares them).
import { bundleVectors } from "./bundle.ts";
import { envelopeVectors } from "./envelope.ts";
import { envelopeProofVectors } from "./envelope-proof.ts";
import { merkleVectors } from "./merkle.ts";
import { merkleRangeVectors } from "./merkle-range.ts";
import { multiProofVectors } from "./multi-proof.ts";
import { receiptVectors } from "./receipt.ts";
import { recordVectors } from "./records.ts";
import { streamAnswerVectors } from "./stream-answer.ts";

export const VECTOR_FILES: [name: string, generate: () => unknown][] = [
  ["records.json", recordVectors], ["merkle.json", merkleVectors], ["merkle-range.json", merkleRangeVectors],
  ["envelope.json", envelopeVectors], ["bundle.json", bundleVectors], ["envelope-proof.json", envelopeProofVectors],
  ["multi-proof.json", multiProofVectors], ["stream-answer.json", streamAnswerVectors], ["receipt.json", receiptVectors],
];
