/** `otledger simulate`: runs the plant simulator until interrupted. */
import type { Command } from "commander";
import { DEFAULT_SIM_USERS, startSimulator } from "./server.ts";

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${v}`);
  return n;
};

export function registerSimulateCommand(program: Command): Command {
  return program
    .command("simulate")
    .description("run an OPC UA plant simulator (pumps P-101/P-102, boiler B-201, compressor C-301)")
    .option("--port <port>", "TCP port (0 = any free port)", int("port"), 4840)
    .option("--tick-ms <ms>", "model step and publish period", int("tick-ms"), 100)
    .option("--sensors <n>", "extra economiser thermocouples E-401.TT-nnn (load tests)", int("sensors"), 0)
    .option("--alarm-every <s>", "trip the boiler high-pressure alarm every N seconds (0 = never)", int("alarm-every"), 120)
    .option("--user <user:password>", "accepted user (repeatable); default operator:operator-secret", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--no-anonymous", "refuse anonymous sessions")
    .option("--pki-dir <dir>", "server certificate store")
    .action(async (opts: { port: number; tickMs: number; sensors: number; alarmEvery: number; user: string[]; anonymous: boolean; pkiDir?: string }) => {
      const users = opts.user.length
        ? opts.user.map((u) => {
            const i = u.indexOf(":");
            if (i <= 0) throw new Error(`--user expects user:password, got ${u}`);
            return { username: u.slice(0, i), password: u.slice(i + 1) };
          })
        : DEFAULT_SIM_USERS;
      const sim = await startSimulator({
        port: opts.port, tickMs: opts.tickMs, sensorBankSize: opts.sensors, alarmEverySeconds: opts.alarmEvery, users,
        allowAnonymous: opts.anonymous, ...(opts.pkiDir ? { pkiDir: opts.pkiDir } : {}),
      });
      process.stdout.write(`plant simulator listening on ${sim.endpointUrl}\n`);
      process.stdout.write(`security: None, Basic256Sha256 Sign / SignAndEncrypt; users: ${users.map((u) => u.username).join(", ")}${opts.anonymous ? " (anonymous allowed)" : ""}\n`);
      process.stdout.write(`server certificate thumbprint: ${sim.certificateThumbprint} (trust it with: otledger edge trust ${sim.certificateThumbprint})\n`);
      process.stdout.write(`tags (nodeId ns=1;s=<tag>):\n${sim.tags.map((t) => `  ${t.tag}${t.unit ? ` [${t.unit.displayName.text}]` : ""}`).join("\n")}\n`);
      const shutdown = async () => {
        await sim.stop();
        process.exit(0);
      };
      process.once("SIGINT", shutdown);
      process.once("SIGTERM", shutdown);
    });
}
