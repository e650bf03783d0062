// The otledger CLI: one binary, each component registers its own subcommands.
// bin/ is a composition root: it may import server, edge and auditor; nothing imports it.
import { Command, CommanderError } from "commander";
import { registerServerCommand } from "../server/cli.ts";
import { registerEdgeCommands, registerSimulateCommand } from "../edge/cli.ts";
import { registerAuditorCommands } from "../auditor/cli.ts";
import { registerDeviceCommands } from "./commands/device.ts";
import { registerEraseCommands } from "./commands/erase.ts";
import { registerPartnerCommands } from "./commands/partner.ts";
import { registerQueryCommand } from "./commands/query.ts";
import { registerDemoCommand } from "./commands/demo.ts";

const program = new Command("otledger")
  .description("Auditable data-sharing ledger for industrial (OT) data")
  .version("0.1.0")
  .showHelpAfterError("(run with --help for usage)")
  .addHelpText(
    "after",
    `
Exit codes: 0 success or valid, 1 verification failed or findings, 2 usage, configuration or I/O error.

Examples:
  otledger server                                   run the service (embedded PostgreSQL + local chain)
  otledger simulate                                 run the OPC UA plant simulator
  otledger edge keygen --out device.json            create a device keystore, print its address
  otledger edge --config plant.yaml                 run a plant agent
  otledger verify bundle.json --rpc http://127.0.0.1:8545
  otledger verify-query answer.json --rpc http://127.0.0.1:8545
  otledger audit --api http://127.0.0.1:8080 --api-key $KEY --rpc http://127.0.0.1:8545
  otledger erase --record 0xab…12 --reason "GDPR art. 17 request" --api-key $KEY`,
  );

registerServerCommand(program);
registerSimulateCommand(program);
registerEdgeCommands(program);
registerDeviceCommands(program);
registerPartnerCommands(program);
registerQueryCommand(program);
registerEraseCommands(program);
registerAuditorCommands(program);
registerDemoCommand(program);

program.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 1 ? 2 : err.exitCode);
  throw err;
}
