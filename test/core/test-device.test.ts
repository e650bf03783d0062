// The shared v2 test device emits envelopes that core's own envelope check accepts, with both chains linked.
import t from "tap";
import { checkEnvelopeV2, envelopeDomainV2, recordHash } from "../../core/index.ts";
import { TestDeviceV2 } from "../helpers/envelopes.ts";

const domain = envelopeDomainV2(31337, "0x5fbdb2315678afecb367f032d93f642f64180aa3");

t.test("series, readings and events of several streams chain per device and per stream", async (t) => {
  const d = new TestDeviceV2();
  const a = d.envelope(domain, 3, { samples: 5 });
  const b = d.envelope(domain, 2, { make: "reading", stream: "PT-7.PV" });
  const c = d.envelope(domain, 1, { make: "event" });
  const e = d.envelope(domain, 2, { samples: 4 });
  for (const env of [a, b, c, e]) t.equal(checkEnvelopeV2(env, domain).signer, d.address);
  t.equal(e.records[0]!.header.streamSeq, 4, "the tag stream continues after other streams");
  t.equal(e.records[0]!.header.streamPrev, recordHash(a.records[2]!.header));
  t.equal(e.records[0]!.header.prev, recordHash(c.records[0]!.header), "the device chain runs through every stream");
  t.ok(e.records[0]!.header.from > a.records[2]!.header.to, "a stream's records are in time order");
  t.equal(c.records[0]!.stream.name, "@events/pump1");
  const dry = d.envelope(domain, 1, { commit: false });
  t.equal(dry.records[0]!.header.seq, 9);
  t.equal(d.seq, 8, "commit: false leaves the state");
});
