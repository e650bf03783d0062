// User mistakes give one clear line (with the field path or the cause) and exit 2, never a stack trace.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import t from "tap";
import { ConfigError, parseConfig, readSecret } from "../../edge/config.ts";
import { loadDeviceWallet } from "../../edge/keys.ts";
import { Spool } from "../../edge/spool/spool.ts";
import { PASSWORD, PW_ENV, makeKeystore, runCli, tempDir } from "./helpers.ts";

const CLI = join(import.meta.dirname, "fixtures/otledger.ts");
function otledger(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, ["--experimental-strip-types", "--no-warnings", CLI, ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const noStack = (s: string) => !/^\s+at .+\(.+:\d+:\d+\)$/m.test(s);

const valid = {
  opcua: { endpoint: "opc.tcp://127.0.0.1:4840/otledger-sim", nodes: [{ nodeId: "ns=1;s=P-101.Flow", tag: "P-101.Flow" }] },
  device: { keystore: "device.json", passwordEnv: "PW" },
  ledger: { url: "http://127.0.0.1:8080" },
  spool: { dir: "spool" },
};

t.test("config errors name the bad field", async (t) => {
  const bad = (mutate: (c: any) => void) => {
    const c = structuredClone(valid) as any;
    mutate(c);
    try {
      parseConfig(c, "/plant");
      return null;
    } catch (err) {
      t.type(err, ConfigError);
      return (err as ConfigError).path;
    }
  };
  t.equal(bad(() => {}), null, "the valid config parses");
  t.equal(bad((c) => { c.opcua.nodes[0].samplingInterval = -1; }), "opcua.nodes.0.samplingInterval");
  t.equal(bad((c) => { c.opcua.endpoint = "http://plc"; }), "opcua.endpoint");
  t.equal(bad((c) => { c.opcua.securityMode = "SignAndEncrypt"; }), "opcua.securityMode", "mode without a matching policy");
  t.equal(bad((c) => { c.ledger.url = "ftp://x"; }), "ledger.url");
  t.equal(bad((c) => { c.spool.whenFull = "drop"; }), "spool.whenFull");
  t.equal(bad((c) => { c.opcua.nodes = []; }), "opcua.nodes");
  t.equal(bad((c) => { c.spool.maxbytes = 5; }), "spool.maxbytes", "unknown keys are refused, not ignored");
  t.equal(parseConfig(valid, "/plant").spool.dir, "/plant/spool", "relative paths resolve against the config file");
});

t.test("secrets come from an env var or a file, and a missing one names its field", async (t) => {
  const dir = tempDir("secret");
  writeFileSync(join(dir, "pw"), "from-file\n");
  t.equal(readSecret({ passwordEnv: "X_PW" }, "device", { X_PW: "from-env" }), "from-env");
  t.equal(readSecret({ passwordFile: join(dir, "pw") }, "device", {}), "from-file", "trailing newline dropped");
  t.equal(readSecret({ passwordEnv: "X_PW", passwordFile: join(dir, "pw") }, "device", {}), "from-file", "file is the fallback");
  t.throws(() => readSecret({ passwordEnv: "X_PW" }, "device", {}), { code: "secret_missing", path: "device.passwordEnv" });
  t.throws(() => readSecret({ passwordFile: join(dir, "nope") }, "opcua.credentials", {}), { code: "secret_missing", path: "opcua.credentials.passwordFile" });
});

t.test("CLI: bad config file, wrong keystore password, keygen", async (t) => {
  const dir = tempDir("cli");
  const key = await makeKeystore(dir);
  const file = join(dir, "plant.yaml");
  writeFileSync(file, [
    "opcua:", "  endpoint: opc.tcp://127.0.0.1:1/none", "  nodes:", "    - nodeId: ns=1;s=P-101.Flow", "      tag: P-101.Flow", "      deadband: { type: relative, value: 1 }",
    "device:", `  keystore: ${key.file}`, `  passwordEnv: ${PW_ENV}`, "ledger:", "  url: http://127.0.0.1:9", "spool:", "  dir: spool", "control:", "  port: 0",
  ].join("\n"));
  const badConfig = otledger(["edge", "--config", file]);
  t.equal(badConfig.code, 2, "exit 2: configuration error");
  t.match(badConfig.stderr, /^otledger: opcua\.nodes\.0\.deadband\.type: .+\[config_invalid\]\n$/);
  t.ok(noStack(badConfig.stderr), "no stack trace");

  writeFileSync(file, (await import("node:fs")).readFileSync(file, "utf8").replace("relative", "absolute"));
  const wrongPassword = otledger(["edge", "--config", file], { [PW_ENV]: "not-the-password" });
  t.equal(wrongPassword.code, 2);
  t.match(wrongPassword.stderr, /wrong password for device keystore .*device\.json \[keystore_wrong_password\]/);
  t.ok(noStack(wrongPassword.stderr), "no stack trace");

  const noAgent = otledger(["edge", "event", "--config", file, "--type", "maintenance", "--asset", "P-101", "--work-order", "WO-1", "--text", "seal"]);
  t.equal(noAgent.code, 2);
  t.match(noAgent.stderr, /edge agent is not running/);

  const keystore = join(dir, "new-device.json");
  const keygen = otledger(["edge", "keygen", "--keystore", keystore, "--password-env", "KG_PW", "--scrypt-log-n", "12"], { KG_PW: PASSWORD });
  t.equal(keygen.code, 0, keygen.stderr);
  const address = keygen.stdout.trim();
  t.match(address, /^0x[0-9a-f]{40}$/, "prints the lowercase address to enroll");
  t.equal((await loadDeviceWallet(keystore, PASSWORD)).address.toLowerCase(), address, "the keystore holds that key");
  const again = otledger(["edge", "keygen", "--keystore", keystore, "--password-env", "KG_PW"], { KG_PW: PASSWORD });
  t.match(again.stderr, /already exists.*\[keystore_exists\]/, "never overwrites a device key silently");
  t.match(keygen.stderr, `enroll it with: otledger device enroll ${address} --site`, "names the command that enrolls it");
});

t.test("README commands: edge status and edge event find ./plant.yaml, time out on a hung agent and read the spool", async (t) => {
  const dir = tempDir("readme");
  const key = await makeKeystore(dir);
  writeFileSync(join(dir, "plant.yaml"), [
    "opcua:", "  endpoint: opc.tcp://127.0.0.1:1/none", "  nodes:", "    - { nodeId: ns=1;s=P-101.Flow, tag: P-101.Flow }",
    "device:", `  keystore: ${key.file}`, `  passwordEnv: ${PW_ENV}`, "ledger:", "  url: http://127.0.0.1:9", "spool:", "  dir: spool", "control:", "  port: 0",
  ].join("\n"));
  // a record produced a minute ago, still pending
  const spool = new Spool(join(dir, "spool"), { device: key.address, maxBytes: 1e9, whenFull: "keep-oldest", now: () => Date.now() - 60_000 });
  spool.addEvents([{ at: Date.now(), body: { type: "note", asset: null, workOrder: null }, personal: { actor: null, text: "pending" } }]);
  spool.close();
  // an agent that accepts connections and never answers (stopped with SIGSTOP, or hung)
  const hung = createServer(() => {});
  await new Promise<void>((r) => hung.listen(0, "127.0.0.1", () => r()));
  t.teardown(() => { hung.close(); });
  const port = (hung.address() as { port: number }).port;
  writeFileSync(join(dir, "spool", "control.json"), JSON.stringify({ url: `http://127.0.0.1:${port}`, pid: 1 }));

  const status = await runCli(["edge", "status", "--json", "--timeout-ms", "500"], { cwd: dir });
  t.equal(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as { agent: string; spool: { pending: number; oldestPendingAt: string; oldestPendingAgeMs: number } };
  t.equal(s.agent, "not answering", "no --config needed; the hung agent is reported, not waited for");
  t.equal(s.spool.pending, 1, "the spool read from disk");
  t.ok(s.spool.oldestPendingAgeMs >= 60_000 && s.spool.oldestPendingAgeMs < 3_600_000, `oldestPendingAgeMs is an age (${s.spool.oldestPendingAgeMs})`);
  t.ok(Math.abs(Date.parse(s.spool.oldestPendingAt) - (Date.now() - 60_000)) < 30_000, "oldestPendingAt is when it was produced");

  const event = await runCli(["edge", "event", "--type", "maintenance", "--asset", "P-101", "--text", "seal", "--timeout-ms", "500"], { cwd: dir });
  t.equal(event.code, 2);
  t.match(event.stderr, /did not answer within 500 ms.*\[agent_not_answering\]/);

  const noConfig = await runCli(["edge", "status"], { cwd: tempDir("empty") });
  t.equal(noConfig.code, 2, "no plant.yaml here: a configuration error");
  t.match(noConfig.stderr, /no plant\.yaml in .*pass --config <file> or set OTLEDGER_EDGE_CONFIG \[config_unreadable\]/);
  const usage = await runCli(["edge", "event", "--asset", "P-101"], { cwd: dir });
  t.equal(usage.code, 2, "a usage error exits 2");
  t.match(usage.stderr, /required option '--type <type>' not specified/);
});

t.test("the real bin: a usage error in otledger edge exits 2", async (t) => {
  const r = await runCli(["edge", "event"], { cwd: tempDir("bin"), entry: join(import.meta.dirname, "../../bin/otledger.ts") });
  t.equal(r.code, 2, r.stderr);
});
