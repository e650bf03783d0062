// The systemd units in ops/systemd/: the hardening and restart policy they must keep (checked on the text,
// always), and `systemd-analyze verify` where systemd-analyze is installed.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";

const dir = new URL("../../ops/systemd/", import.meta.url);
const UNITS = ["otledger.service", "otledger-edge.service"];
const EXEC = "/usr/local/bin/otledger";

/** key → values of one section (a key may repeat, e.g. LoadCredential). */
function section(text: string, name: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = line.match(/^\[(\w+)\]$/);
    if (header) { current = header[1]!; continue; }
    const kv = line.match(/^(\w+)=(.*)$/);
    if (kv && current === name) out.set(kv[1]!, [...(out.get(kv[1]!) ?? []), kv[2]!]);
  }
  return out;
}

for (const unit of UNITS) {
  t.test(`${unit}: dedicated user, hardening, restart policy, state and environment`, async (t) => {
    const s = section(readFileSync(new URL(unit, dir), "utf8"), "Service");
    const one = (k: string) => s.get(k)?.at(-1);
    t.ok(one("DynamicUser") === "yes" || /^otledger(-edge)?$/.test(one("User") ?? ""), "a dedicated user");
    t.equal(one("ProtectSystem"), "strict");
    t.equal(one("ProtectHome"), "yes");
    t.equal(one("NoNewPrivileges"), "yes");
    t.equal(one("PrivateTmp"), "yes");
    t.equal(one("CapabilityBoundingSet"), "", "no capabilities");
    t.match(one("StateDirectory"), /^otledger(-edge)?$/, "a state directory (the only writable place under ProtectSystem=strict)");
    t.equal(one("Restart"), "on-failure");
    t.match(one("RestartSec"), /^\d+s$/);
    t.equal(one("RestartPreventExitStatus"), "2", "no restart loop on a configuration mistake");
    t.ok(s.has("EnvironmentFile"), "an environment file");
    t.match(one("ExecStart"), new RegExp(`^${EXEC} (server|edge --config /etc/otledger-edge/plant\\.yaml)$`), "the installed otledger bin");
    t.notOk(s.has("MemoryDenyWriteExecute"), "not MemoryDenyWriteExecute: Node's JIT needs W+X memory");
    t.same(section(readFileSync(new URL(unit, dir), "utf8"), "Install").get("WantedBy"), ["multi-user.target"]);
  });
}

t.test("systemd-analyze verify", async (t) => {
  if (spawnSync("sh", ["-c", "command -v systemd-analyze"]).status !== 0) {
    t.comment("SKIP systemd-analyze verify: systemd-analyze is not installed here; only the static checks above ran");
    return;
  }
  // verify insists that ExecStart's binary exists. Where otledger is not installed, the copies point at this
  // node binary instead: everything else (directives, values, specifiers) is verified as shipped.
  const tmp = mkdtempSync(join(tmpdir(), "otledger-units-"));
  const installed = spawnSync("test", ["-x", EXEC]).status === 0;
  if (!installed) t.comment(`${EXEC} is not installed: verifying copies whose ExecStart runs ${process.execPath}`);
  for (const unit of UNITS) {
    const text = readFileSync(new URL(unit, dir), "utf8");
    if (installed) copyFileSync(new URL(unit, dir), join(tmp, unit));
    else writeFileSync(join(tmp, unit), text.replaceAll(`ExecStart=${EXEC} `, `ExecStart=${process.execPath} `));
  }
  const res = spawnSync("systemd-analyze", ["verify", ...UNITS.map((u) => join(tmp, u))], { encoding: "utf8" });
  // Lines about other units of this machine are not ours to judge; any line naming ours is a failure.
  const ours = res.stderr.split("\n").filter((l) => UNITS.some((u) => l.includes(u)));
  t.same(ours, [], "no complaint about either unit");
  t.equal(res.status, 0, `systemd-analyze verify exit code (stderr: ${res.stderr.trim() || "none"})`);
  t.match(execFileSync("systemd-analyze", ["--version"], { encoding: "utf8" }), /systemd \d+/);
});
