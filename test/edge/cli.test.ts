// User mistakes give one clear line (with the field path or the cause) and exit 2, never a stack trace.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import t from "tap";
import { ConfigError, parseConfig, readSecret } from "../../edge/config.ts";
import { loadDeviceWallet } from "../../edge/keys.ts";
import { PASSWORD, PW_ENV, makeKeystore, tempDir } from "./helpers.ts";

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
});
