// Configuration: one zod schema over the environment; a bad or missing variable fails startup by name.
import t from "tap";
import { ConfigError, loadConfig } from "../../server/config.ts";
import { startServer } from "../../server/server.ts";

t.test("defaults: embedded PostgreSQL and chain, ./.otledger, 5 s checkpoints", async (t) => {
  const c = loadConfig({});
  t.equal(c.DATA_DIR, "./.otledger");
  t.equal(c.CHECKPOINT_INTERVAL_MS, 5000);
  t.equal(c.DATABASE_URL, undefined);
  t.equal(c.CHAIN_RPC_URL, undefined);
  t.equal(c.PORT, 8080);
  t.equal(loadConfig({ PORT: "9000", CHECKPOINT_MAX_LEAVES: "" }).PORT, 9000, "strings are coerced; empty counts as unset");
});

t.test("bad values are named", async (t) => {
  const bad = (env: Record<string, string>, variable: string) => {
    const err = t.throws(() => loadConfig(env)) as ConfigError;
    t.ok(err instanceof ConfigError, `${variable}: a ConfigError`);
    t.ok(err.variables.includes(variable), `${variable} is named`);
    t.match(err.message, new RegExp(`^  ${variable}: `, "m"), `${variable}: the message names it`);
  };
  bad({ PORT: "eighty" }, "PORT");
  bad({ PORT: "70000" }, "PORT");
  bad({ DATABASE_URL: "mysql://x" }, "DATABASE_URL");
  bad({ CHECKPOINT_INTERVAL_MS: "-5" }, "CHECKPOINT_INTERVAL_MS");
  bad({ LOG_LEVEL: "loud" }, "LOG_LEVEL");
  bad({ CHAIN_RPC_URL: "http://127.0.0.1:8545", ANCHORER_KEY_FILE: "/k" }, "LEDGER_CONTRACT");
  bad({ CHAIN_RPC_URL: "http://127.0.0.1:8545", LEDGER_CONTRACT: "0x" + "1".repeat(40) }, "ANCHORER_KEY_FILE");
  bad({ CHAIN_RPC_URL: "http://127.0.0.1:8545", LEDGER_CONTRACT: "0x1234", ANCHORER_KEY_FILE: "/k" }, "LEDGER_CONTRACT");
  bad({ CHAIN_RPC_URL: "http://127.0.0.1:8545", LEDGER_CONTRACT: "0x" + "1".repeat(40), ANCHORER_KEYSTORE: "/ks.json" }, "ANCHORER_KEYSTORE_PASSWORD");
});

t.test("startServer fails before starting anything on a bad variable", async (t) => {
  await t.rejects(startServer({ env: { CONFIRMATIONS: "0" }, handleSignals: false }), ConfigError);
});
