/**
 * OPC UA capture: one session, one subscription (createSubscription2), monitored-item groups for the data nodes
 * and event items for the notifiers. Samples of one publish are flushed to the sink in one batch (one spool
 * transaction) into their series windows. Reconnection is node-opcua's (connection_lost → after_reconnection, with republish of missed
 * notifications); each outage is recorded as an `outage` event at loss and at recovery. If the session cannot
 * be opened, the attempt is reported and retried with exponential backoff.
 */
import {
  AttributeIds, ClientMonitoredItem, MessageSecurityMode, DataChangeFilter, DataChangeTrigger, DeadbandType, TimestampsToReturn, makeBrowsePath,
  type ClientSession, type ClientSubscription, type DataValue, type OPCUAClient, type Variant,
} from "node-opcua";
import { toTimestamp } from "../../core/index.ts";
import type { FlatEvent as EventBody } from "./event-draft.ts";
import type { AgentConfig, NodeConfig } from "../config.ts";
import type { CapturedSample, EventDraft } from "../spool/types.ts";
import { eventDraft } from "./event-draft.ts";
import { createOpcuaClient, openSession, type TrustEvents } from "./opcua-connect.ts";
import { EventMapper, eventFilter } from "./opcua-events.ts";
import { sampleOf } from "./opcua-values.ts";

/** What one flush hands the spool: the samples of a publish (into their series windows) and events to seal. */
export type CaptureBatch = { samples: CapturedSample[]; events: EventDraft[] };

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "stopped";
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
export interface CaptureOptions {
  config: AgentConfig;
  userPassword?: string | undefined;
  now: () => Date;
  sink: (batch: CaptureBatch) => void;
  log: Logger;
  onState?: (state: ConnectionState) => void;
  /** server certificate refused / accepted unknown (see server-trust.ts) */
  trust?: TrustEvents;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class OpcuaCapture {
  state: ConnectionState = "connecting";
  readonly ready: Promise<void>;
  private client: OPCUAClient | null = null;
  private connecting: Promise<void> | null = null;
  private session: ClientSession | null = null;
  private subscription: ClientSubscription | null = null;
  private stopped = false;
  private buffer: CaptureBatch = { samples: [], events: [] };
  private flushScheduled = false;
  private readonly units = new Map<string, string | null>();
  private lostAt: Date | null = null;
  private eventChain: Promise<void> = Promise.resolve();
  private readonly mapper = new EventMapper(() => this.session);
  private markReady!: () => void;

  private readonly opts: CaptureOptions;

  constructor(opts: CaptureOptions) {
    this.opts = opts;
    this.ready = new Promise((resolve) => { this.markReady = resolve; });
  }

  private setState(state: ConnectionState) {
    this.state = state;
    this.opts.onState?.(state);
  }

  /** Connects in the background (retrying with backoff); `ready` resolves once monitoring runs. */
  start(): void {
    this.reconnectFromScratch();
  }

  /** One connect loop at a time: a second one would orphan the first one's client (still retrying after stop). */
  private reconnectFromScratch(): void {
    if (this.stopped || this.connecting) return;
    this.connecting = this.teardown().then(() => this.connectLoop()).finally(() => { this.connecting = null; });
  }

  private async connectLoop(): Promise<void> {
    const { opcua } = this.opts.config;
    let delay = opcua.reconnect.initialDelayMs;
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.connectOnce();
        if (this.stopped) return void (await this.teardown()); // stopped while connecting
        if (this.lostAt) this.onRestored();
        this.setState("connected");
        this.opts.log.info({ endpoint: opcua.endpoint, attempt }, "OPC UA monitoring started");
        this.markReady();
        return;
      } catch (err) {
        this.opts.log.warn({ endpoint: opcua.endpoint, attempt, retryInMs: delay, err: (err as Error).message }, "OPC UA session could not be opened; retrying");
        await this.teardown();
        await sleep(delay * (0.8 + Math.random() * 0.4));
        delay = Math.min(opcua.reconnect.maxDelayMs, delay * 2);
      }
    }
  }

  private async connectOnce(): Promise<void> {
    const { opcua } = this.opts.config;
    const client = createOpcuaClient({ opcua }, this.opts.trust);
    this.client = client;
    client.on("connection_lost", () => this.onLost());
    client.on("after_reconnection", (err?: Error | null) => {
      if (client !== this.client) return;
      if (!err) return this.onRestored();
      // node-opcua could not repair the session: start over with a fresh client and session
      this.opts.log.warn({ err: err.message }, "OPC UA session could not be repaired; reconnecting from scratch");
      this.reconnectFromScratch();
    });
    client.on("reconnection_attempt_has_failed", (err: Error) => {
      if (client !== this.client) return;
      this.opts.log.warn({ err: err.message }, "OPC UA reconnection attempt failed");
      // another certificate answers at the endpoint: leave node-opcua's reconnection (it would retry forever
      // with the old server's key) for our own loop, which checks each new certificate from scratch
      if (/BadCertificate/.test(err.message)) this.reconnectFromScratch();
    });
    // the first connection must not wait forever inside node-opcua: our loop owns that retry
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.connect(opcua.endpoint),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no OPC UA server answered at ${opcua.endpoint}`)), Math.max(5_000, opcua.reconnect.maxDelayMs));
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    this.session = await openSession(client, { opcua, userPassword: this.opts.userPassword });
    this.subscription = await this.session.createSubscription2({
      requestedPublishingInterval: opcua.publishingInterval, requestedLifetimeCount: 600, requestedMaxKeepAliveCount: 20,
      maxNotificationsPerPublish: 0, publishingEnabled: true, priority: 10,
    });
    await this.resolveUnits(opcua.nodes);
    await this.monitorData(opcua.nodes);
    for (const source of opcua.events) await this.monitorEvents(source.nodeId);
  }

  /** Units not given in the config come from each node's EngineeringUnits property (EUInformation.displayName). */
  private async resolveUnits(nodes: NodeConfig[]): Promise<void> {
    const session = this.session!;
    const missing = nodes.filter((n) => n.unit === undefined && !this.units.has(n.nodeId));
    for (const n of nodes) if (n.unit !== undefined) this.units.set(n.nodeId, n.unit);
    if (missing.length === 0) return;
    const paths = await session.translateBrowsePath(missing.map((n) => makeBrowsePath(n.nodeId, ".EngineeringUnits")));
    const targets = paths.map((p) => p.targets?.[0]?.targetId ?? null);
    const found = targets.map((t, i) => ({ t, n: missing[i]! })).filter((x) => x.t);
    const values = found.length ? await session.read(found.map((x) => ({ nodeId: x.t!, attributeId: AttributeIds.Value }))) : [];
    for (const n of missing) this.units.set(n.nodeId, null);
    found.forEach((x, i) => {
      const eu = values[i]?.value?.value as { displayName?: { text?: string | null } } | null;
      this.units.set(x.n.nodeId, eu?.displayName?.text || null);
    });
  }

  private async monitorData(nodes: NodeConfig[]): Promise<void> {
    // one group per distinct monitoring parameter set
    const groups = new Map<string, NodeConfig[]>();
    for (const n of nodes) {
      const key = JSON.stringify([n.samplingInterval, n.queueSize, n.deadband ?? null]);
      groups.set(key, [...(groups.get(key) ?? []), n]);
    }
    for (const members of groups.values()) {
      const first = members[0]!;
      const filter = first.deadband
        ? new DataChangeFilter({ trigger: DataChangeTrigger.StatusValue, deadbandType: first.deadband.type === "absolute" ? DeadbandType.Absolute : DeadbandType.Percent, deadbandValue: first.deadband.value })
        : null;
      const group = await this.subscription!.monitorItems(
        members.map((n) => ({ nodeId: n.nodeId, attributeId: AttributeIds.Value })),
        { samplingInterval: first.samplingInterval, queueSize: first.queueSize, discardOldest: false, filter },
        TimestampsToReturn.Both,
      );
      group.on("changed", (_item, dataValue: DataValue, index: number) => this.onValue(members[index]!, dataValue));
    }
  }

  private onValue(node: NodeConfig, dataValue: DataValue): void {
    const { sample, error } = sampleOf(node.tag, node.nodeId, this.units.get(node.nodeId) ?? null, dataValue, this.opts.now().getTime());
    if (error) this.opts.log.warn({ tag: node.tag, err: error }, "value not representable; recorded as Null with its status");
    // a republished or initial notification already captured is recognized by the spool (persistent last key)
    this.buffer.samples.push(sample);
    this.scheduleFlush();
  }

  private async monitorEvents(nodeId: string): Promise<void> {
    const item = ClientMonitoredItem.create(this.subscription!, { nodeId, attributeId: AttributeIds.EventNotifier },
      { queueSize: 10_000, discardOldest: false, filter: eventFilter() }, TimestampsToReturn.Both);
    await new Promise<void>((resolve, reject) => {
      item.once("initialized", () => resolve());
      item.once("err", (message: string) => reject(new Error(`cannot monitor events of ${nodeId}: ${message}`)));
    });
    item.on("changed", (values: Variant[]) => {
      // mapping may read the event type's name: keep events in arrival order
      this.eventChain = this.eventChain.then(async () => {
        const mapped = await this.mapper.map(values);
        if (mapped) this.pushEvent(mapped.body, mapped.time ?? this.opts.now());
      }).catch((err) => this.opts.log.error({ err: (err as Error).message }, "could not map an OPC UA event"));
    });
  }

  private outage(text: string): EventBody {
    return { type: "outage", asset: null, workOrder: null, actor: null, text };
  }

  private onLost(): void {
    if (this.stopped || this.lostAt) return;
    this.lostAt = this.opts.now();
    this.setState("reconnecting");
    this.opts.log.warn({ endpoint: this.opts.config.opcua.endpoint }, "OPC UA connection lost; reconnecting");
    this.pushEvent(this.outage(`OPC UA connection to ${this.opts.config.opcua.endpoint} lost`), this.lostAt);
  }

  private onRestored(): void {
    if (this.stopped) return;
    const at = this.opts.now();
    const since = this.lostAt;
    this.lostAt = null;
    this.setState("connected");
    this.opts.log.info({ endpoint: this.opts.config.opcua.endpoint }, "OPC UA connection re-established");
    const span = since ? ` after ${((at.getTime() - since.getTime()) / 1000).toFixed(1)} s (lost at ${toTimestamp(since)}); values the server did not keep were not captured` : "";
    this.pushEvent(this.outage(`OPC UA connection to ${this.opts.config.opcua.endpoint} re-established${span}`), at);
  }

  private pushEvent(body: EventBody, at: Date): void {
    this.buffer.events.push(eventDraft(body, at));
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // node-opcua emits a whole publish response synchronously: flush it as one batch
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.flushScheduled = false;
    if (this.buffer.samples.length === 0 && this.buffer.events.length === 0) return;
    const batch = this.buffer;
    this.buffer = { samples: [], events: [] };
    try {
      this.opts.sink(batch);
    } catch (err) {
      this.opts.log.error({ err: (err as Error).message, samples: batch.samples.length, events: batch.events.length }, "spool write failed: samples and events not recorded");
    }
  }

  /** Security of the current secure channel as negotiated by node-opcua (for status and tests). */
  channelSecurity(): { securityMode: string; securityPolicy: string } | null {
    if (!this.client) return null;
    return { securityMode: MessageSecurityMode[this.client.securityMode], securityPolicy: String(this.client.securityPolicy).replace(/^.*#/, "") };
  }

  private async teardown(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.subscription = null;
    const session = this.session;
    this.session = null;
    try { await session?.close(true); } catch { /* already gone */ }
    try { await client?.disconnect(); } catch { /* already gone */ }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.setState("stopped");
    await this.eventChain;
    this.flush();
    await this.teardown();
  }
}
