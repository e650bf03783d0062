// Envelope vector: the first records of the vector chain signed by the well-known test key.
import { buildEnvelope, envelopeDigest, envelopeDomain, recordHash, type Record } from "../../../core/index.ts";
import { TEST_DEVICE, TEST_KEY, TEST_PRIVATE_KEY, vectorRecords } from "./records.ts";

/** Hardhat's first deployment address from account #0; any address works, this one is recognisable. */
export const TEST_CONTRACT = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
export const TEST_CHAIN_ID = 31337;
export const ENVELOPE_SIZE = 5;

export function envelopeRecords(): Record[] {
  return vectorRecords().slice(0, ENVELOPE_SIZE).map((v) => v.record);
}

export function envelopeVectors() {
  const domain = envelopeDomain(TEST_CHAIN_ID, TEST_CONTRACT);
  const records = envelopeRecords();
  const envelope = buildEnvelope(records, domain, TEST_KEY);
  return {
    description: "EIP-712 envelope over the first vector records, signed (RFC 6979 deterministic ECDSA) by Hardhat dev account #0.",
    privateKey: TEST_PRIVATE_KEY,
    device: TEST_DEVICE,
    domain: { name: domain.name, version: domain.version, chainId: TEST_CHAIN_ID, verifyingContract: domain.verifyingContract },
    recordHashes: records.map(recordHash),
    digest: envelopeDigest(envelope.header, domain),
    envelope,
  };
}
