// Envelope vectors v2: the device chain and the service chain, each one envelope signed under domain version "2".
import { buildEnvelopeV2, checkEnvelopeV2, envelopeDigestV2, envelopeDomainV2, recordHash } from "../../../core/index.ts";
import { deviceRecords, serviceRecords, SERVICE_KEY, TEST_CHAIN_ID, TEST_CONTRACT, TEST_KEY, TEST_PRIVATE_KEY, SERVICE_PRIVATE_KEY } from "./inputs.ts";

export const domainV2 = () => envelopeDomainV2(TEST_CHAIN_ID, TEST_CONTRACT);

export function deviceEnvelope() {
  return buildEnvelopeV2(deviceRecords().map((r) => r.record), domainV2(), TEST_KEY);
}
export function serviceEnvelope() {
  return buildEnvelopeV2(serviceRecords().map((r) => r.record), domainV2(), SERVICE_KEY);
}

export function envelopeVectors() {
  const d = domainV2();
  const one = (privateKey: string, envelope: ReturnType<typeof deviceEnvelope>) => ({
    privateKey, recordHashes: envelope.records.map((r) => recordHash(r.header)), digest: envelopeDigestV2(envelope.header, d),
    streams: checkEnvelopeV2(envelope, d).streams, envelope,
  });
  return {
    description: "EIP-712 envelopes v2 (domain version \"2\"), RFC 6979 deterministic signatures by Hardhat dev accounts #0 (device) and #1 (service key). `streams` is what checkEnvelopeV2 returns for the server to check against its stored stream heads.",
    domain: { name: d.name, version: d.version, chainId: TEST_CHAIN_ID, verifyingContract: d.verifyingContract },
    device: one(TEST_PRIVATE_KEY, deviceEnvelope()),
    service: one(SERVICE_PRIVATE_KEY, serviceEnvelope()),
  };
}
