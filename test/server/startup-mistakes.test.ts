// Start-up mistakes (issue item 15) end in one line naming the variable and the fix, exit code 2, and are found
// before anything starts: no PostgreSQL initialised, no anvil, no admin key printed.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t, { type Test } from "tap";
import { lockDataDir } from "../../server/runtime/service-lock.ts";
import { serviceDir, serviceEnv, spawnService } from "./fixture/service-process.ts";

async function refused(t: Test, env: Record<string, string>) {
  const svc = spawnService(env);
  const { code } = await svc.exited;
  const stderr = svc.stderr();
  t.equal(code, 2, "exit code 2", { stderr });
  t.equal(stderr.trim().split("\n").length, 1, "one line", { stderr });
  t.notMatch(stderr, /\n\s+at |Error:/, "no stack trace");
  t.notMatch(stderr + svc.stdout(), /admin API key/, "no admin key printed");
  t.notOk(existsSync(join(env.DATA_DIR!, "postgres")), "no PostgreSQL cluster created");
  t.notOk(existsSync(join(env.DATA_DIR!, "chain")), "no anvil started");
  return stderr;
}

t.test("PORT in use", async (t) => {
  const env = await serviceEnv(await serviceDir(t));
  const holder = createServer().listen(Number(env.PORT), "127.0.0.1");
  await new Promise((r) => holder.once("listening", r));
  t.teardown(() => { holder.close(); });
  const stderr = await refused(t, env);
  t.match(stderr, new RegExp(`^otledger: PORT ${env.PORT} is already in use on 127.0.0.1; set PORT to a free port`));
});

t.test("a second start on a DATA_DIR a live otledger holds", async (t) => {
  const env = await serviceEnv(await serviceDir(t));
  await mkdir(env.DATA_DIR!, { recursive: true });
  const lock = lockDataDir(env.DATA_DIR!); // this test process plays the running service
  t.teardown(() => lock.release());
  const stderr = await refused(t, env);
  t.match(stderr, new RegExp(`^otledger: DATA_DIR ${env.DATA_DIR} is in use by a running otledger \\(pid ${process.pid}\\); stop it first, or set DATA_DIR`));
  t.ok(existsSync(lock.file), "the holder's lock is untouched");
});

t.test("DATA_DIR inside a mode-0700 directory, as root", { skip: process.getuid?.() !== 0 && "only as root" }, async (t) => {
  const closed = await mkdtemp(join(tmpdir(), "otledger-0700-")); // mkdtemp: mode 0700
  t.teardown(() => rm(closed, { recursive: true, force: true }));
  const env = await serviceEnv(closed, { DATA_DIR: join(closed, "ledger") });
  const stderr = await refused(t, env);
  t.match(stderr, new RegExp(`^otledger: DATA_DIR ${env.DATA_DIR} is inside ${closed} \\(mode 0700\\), which the embedded PostgreSQL's user "postgres" cannot enter; set DATA_DIR to a directory outside it`));
});

t.test("a bad variable is still a config error, exit 2", async (t) => {
  const env = await serviceEnv(await serviceDir(t), { CONFIRMATIONS: "0" });
  const svc = spawnService(env);
  t.equal((await svc.exited).code, 2);
  t.match(svc.stderr(), /CONFIRMATIONS/);
});
