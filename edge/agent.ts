/** The edge agent: capture → spool → delivery → self-audit, plus the loopback control endpoint. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import type { FlatEvent as EventBody } from "./capture/event-draft.ts";
import { envelopeDomainV2, recordHash, type Eip712DomainV2, type FullRecord } from "../core/index.ts";
import { AlarmBook, type Alarm, type AlarmInput } from "./alarms.ts";
import { OpcuaCapture, type CaptureBatch, type ConnectionState, type Logger } from "./capture/capture.ts";
import { eventDraft } from "./capture/event-draft.ts";
import { readSecret, windowsOf, type AgentConfig } from "./config.ts";
import { startControlServer } from "./control-server.ts";
import { Backoff } from "./delivery/backoff.ts";
import { CachedChainFacts } from "../sdk/chain-facts.ts";
import { LedgerAnchorReader } from "../sdk/ledger-anchor.ts";
import { LedgerClient } from "../sdk/ledger-client.ts";
import { JsonRpcProvider } from "ethers";
import { SelfAudit } from "./delivery/self-audit.ts";
import { EnvelopeSender } from "./delivery/sender.ts";
import { loadDeviceWallet } from "./keys.ts";
import { createAgentMetrics } from "./metrics.ts";
import { AlarmStore } from "./spool/alarm-store.ts";
import { Spool } from "./spool/spool.ts";

export interface AgentOptions {
  now?: () => Date;
  log?: Logger;
  env?: NodeJS.ProcessEnv;
  /** per-envelope build/POST timings (benchmarks) */
  onEnvelopeTiming?: (t: { buildMs: number; postMs: number; count: number }) => void;
}
export interface AgentStatus {
  device: string;
  opcua: { endpoint: string; state: ConnectionState };
  ledger: { url: string; lastSentSeq: number; domain: { chainId: string; contract: string } | null };
  spool: ReturnType<Spool["stats"]>;
  selfAudit: { enabled: boolean; verified: number };
  /** active alarms, one per condition; persistent ones (with evidence) are kept in the spool across restarts */
  alarms: Alarm[];
}
export type AgentHandle = Awaited<ReturnType<typeof startAgent>>;

export async function startAgent(config: AgentConfig, options: AgentOptions = {}) {
  const now = options.now ?? (() => new Date());
  const log: Logger = options.log ?? pino({ name: "otledger-edge", level: process.env.OTLEDGER_LOG_LEVEL ?? "info" }, pino.destination(2));
  const env = options.env ?? process.env;
  const wallet = await loadDeviceWallet(config.device.keystore, readSecret(config.device, "device", env));
  const device = wallet.address.toLowerCase();
  const userPassword = config.opcua.credentials ? readSecret(config.opcua.credentials, "opcua.credentials", env) : undefined;

  let metrics: ReturnType<typeof createAgentMetrics> | null = null;
  let book: AlarmBook | null = null;
  const raise = (a: AlarmInput) => void book?.raise(a);
  const windowOf = windowsOf(config);
  const spool = new Spool(config.spool.dir, { device, maxBytes: config.spool.maxBytes, whenFull: config.spool.whenFull, synchronous: config.spool.synchronous, windowOf, now: () => now().getTime(), onAlarm: raise });
  const alarmStore = new AlarmStore(config.spool.dir);
  book = new AlarmBook({ store: alarmStore, now, log, onRaised: (a) => metrics?.alarms.inc({ code: a.code }) });
  const alarms = book;
  const apiKey = config.ledger.apiKey ? readSecret(config.ledger.apiKey, "ledger.apiKey", env) : undefined;
  const client = new LedgerClient(config.ledger.url, config.delivery.requestTimeoutMs, apiKey);

  let domain: Eip712DomainV2 | null = null;
  let audit: SelfAudit | null = null;
  let chain: CachedChainFacts | null = null;
  const resolveDomain = async (): Promise<Eip712DomainV2> => {
    if (domain) return domain;
    const info = await client.info().catch((err: Error) => {
      if (config.ledger.chainId && config.ledger.contract) return null;
      throw err;
    });
    const chainId = info?.chainId ?? config.ledger.chainId;
    const contract = info?.contract ?? config.ledger.contract;
    if (!chainId || !contract) throw new Error("the ledger has no GET /v1/info and ledger.chainId/ledger.contract are not configured");
    domain = envelopeDomainV2(chainId, contract);
    if (config.selfAudit.enabled && config.ledger.rpcUrl && !audit) {
      // the chain id is detected from the RPC (not assumed from /v1/info), so a wrong chain fails chain_id
      const provider = new JsonRpcProvider(config.ledger.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 250 });
      chain = new CachedChainFacts(new LedgerAnchorReader(provider, chainId, contract, true));
      audit = new SelfAudit({
        spool, client, chain, device, intervalMs: config.selfAudit.intervalMs, slaMs: config.selfAudit.slaMs, batch: config.selfAudit.batch, concurrency: config.selfAudit.concurrency, log,
        now: () => now().getTime(), onAlarm: raise, onVerified: (_seq, n) => metrics?.verified.inc(n),
      });
      audit.start();
    }
    return domain;
  };
  if (config.selfAudit.enabled && !config.ledger.rpcUrl) log.warn({}, "ledger.rpcUrl not set: self-audit is off and delivered records stay in the spool");

  const sender = new EnvelopeSender({
    spool, client, signer: wallet, device, domain: resolveDomain, maxRecords: config.envelope.maxRecords, lingerMs: config.envelope.lingerMs,
    backoff: new Backoff(config.delivery.initialBackoffMs, config.delivery.maxBackoffMs), log, now: () => now().getTime(), onAlarm: raise,
    onRecovered: () => alarms.clear((a) => a.code.startsWith("ledger_")),
    onDelivered: (d) => metrics?.envelopes.inc({ outcome: d.replay ? "replay" : "accepted" }),
    onFailure: (kind) => metrics?.deliveryFailures.inc({ kind }),
    ...(options.onEnvelopeTiming ? { onTiming: options.onEnvelopeTiming } : {}),
  });

  const sealed = (records: readonly FullRecord[]) => {
    for (const r of records) {
      metrics?.sealed.inc({ kind: r.header.kind });
      if (r.header.kind === "event") metrics?.events.inc({ type: (r.body as { type: string }).type });
    }
    if (records.length > 0) sender.kick();
    return records;
  };
  // samples and events in separate transactions: a bad event (refused by core) must not take a publish's samples with it
  const sink = (batch: CaptureBatch) => {
    if (batch.samples.length > 0) {
      const r = spool.capture(batch.samples);
      metrics?.samples.inc(r.captured);
      if (r.refused) metrics?.refused.inc(r.refused);
      if (r.late) metrics?.late.inc(r.late);
      sealed(r.sealed);
    }
    if (batch.events.length > 0) sealed(spool.addEvents(batch.events));
  };
  // windows left open by a crash (SIGKILL, power cut) are sealed before anything new is captured
  const recovered = sealed(spool.sealAll());
  if (recovered.length > 0) log.info({ records: recovered.length, lastSeq: spool.head().lastSeq }, "sealed the series windows left open by the last run");
  // a tag that went quiet still has its window sealed when its time is up (agent clock)
  const tickMs = Math.max(50, Math.min(1000, ...[config.opcua.window, ...config.opcua.nodes.map((n) => windowOf(n.tag))].map((w) => (w.seconds * 1000) / 4)));
  const sealTimer = setInterval(() => {
    try { sealed(spool.sealDue()); } catch (err) { log.error({ err: (err as Error).message }, "sealing due series windows failed; retrying"); }
  }, tickMs);
  const endpoint = config.opcua.endpoint;
  const { acceptUnknown } = config.opcua.serverTrust;
  if (acceptUnknown && config.opcua.securityMode !== "None") log.error({ endpoint }, "opcua.serverTrust.acceptUnknown is set: ANY server certificate is trusted, so an impostor at this address would get the OPC UA password and feed signed readings; pin the PLC's thumbprint instead");
  const capture = new OpcuaCapture({
    config, userPassword, now, sink, log,
    onState: (state) => { if (state === "connected") alarms.clear((a) => a.code === "opcua_server_untrusted"); },
    trust: {
      onUntrusted: (cert) => raise({
        code: "opcua_server_untrusted", key: `opcua_server_untrusted:${endpoint}:${cert.thumbprint}`, evidence: { endpoint, ...cert },
        message: `OPC UA server at ${endpoint} presented an untrusted certificate ${cert.thumbprint}${cert.subject ? ` (${cert.subject})` : ""}, filed in ${cert.rejectedDir}; not connecting. If it is the PLC's, trust it: otledger edge trust ${cert.thumbprint}`,
      }),
      onAcceptedUnknown: (cert) => log.error({ endpoint, thumbprint: cert.thumbprint, subject: cert.subject }, "unknown OPC UA server certificate accepted because opcua.serverTrust.acceptUnknown is set"),
    },
  });
  metrics = createAgentMetrics(spool, () => capture.state, () => alarms.list());

  const status = (): AgentStatus => ({
    device,
    opcua: { endpoint: config.opcua.endpoint, state: capture.state },
    ledger: { url: config.ledger.url, lastSentSeq: sender.lastSentSeq, domain: domain ? { chainId: String(domain.chainId), contract: domain.verifyingContract } : null },
    spool: spool.stats(),
    selfAudit: { enabled: audit !== null, verified: (audit as SelfAudit | null)?.verifiedTotal ?? 0 },
    alarms: alarms.list(),
  });
  const addEvents = (events: { body: EventBody; at: Date }[]) =>
    sealed(spool.addEvents(events.map((e) => eventDraft(e.body, e.at)))).map((r) => ({ seq: r.header.seq, hash: recordHash(r.header) }));
  const control = await startControlServer(config.control.host, config.control.port, {
    addEvents, status, metrics: async () => ({ contentType: metrics!.registry.contentType, body: await metrics!.registry.metrics() }),
  });
  // where `otledger edge status` / `edge event` find this agent
  writeFileSync(join(config.spool.dir, "control.json"), JSON.stringify({ url: control.url, pid: process.pid }));

  resolveDomain().catch((err: Error) => log.warn({ err: err.message }, "ledger not reachable yet; delivery will retry"));
  sender.start();
  capture.start();
  log.info({ device, endpoint: config.opcua.endpoint, ledger: config.ledger.url, control: control.url }, "edge agent started");

  return {
    device, config, spool, capture, sender, control, status, addEvents, metrics,
    get audit() { return audit as SelfAudit | null; },
    async stop() {
      clearInterval(sealTimer);
      await capture.stop();
      // shutdown seals every open window, so the records are complete and can be delivered by the next run
      sealed(spool.sealAll());
      await sender.stop();
      await (audit as SelfAudit | null)?.stop();
      (chain as CachedChainFacts | null)?.close();
      await control.close();
      alarmStore.close();
      spool.close();
    },
  };
}
