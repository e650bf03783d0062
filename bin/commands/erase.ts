// `otledger erase --record <hash> [--scope body|personal] --reason "…"` and `otledger erasures`: erasure through
// the service's admin API (POST/GET /v1/admin/erasures). The service writes an erasure record signed by its
// service key (anchored like any record) and then clears the openings; running the command again is safe (the
// existing erasure is answered, and finished if it was interrupted).
import { Option, type Command } from "commander";
import { apiOf, clientAction, data, printJson, withApiOptions, type ApiOptions } from "./cli-api.ts";

export function registerEraseCommands(program: Command): void {
  // exitOverride: a usage error (missing --reason, a bad --scope) reaches bin/otledger.ts's handler and exits 2,
  // as documented, instead of commander's own exit 1 (subcommands do not inherit the root's override).
  withApiOptions(program.command("erase").exitOverride())
    .description("erase a record's body (a stub stays, proofs still verify) or an event's personal fields (admin API)")
    .requiredOption("--record <hash>", "hash of the record to erase (0x + 64 hex digits)")
    .addOption(new Option("--scope <scope>", "body: salt, body and personal fields; personal: an event's actor and text only").choices(["body", "personal"]).default("body"))
    .requiredOption("--reason <text>", "why (kept in the signed, anchored erasure record; 1–1024 characters)")
    .addHelpText("after", "\nExit codes: 0 erased (or already erased with this scope), 2 refused or unreachable (the service's code is printed).\nExample:\n  otledger erase --record 0xab…12 --scope personal --reason 'GDPR art. 17 request #7' --api-key $OTLEDGER_API_KEY")
    .action(clientAction(async (flags: ApiOptions & { record: string; scope: string; reason: string }) => {
      printJson(await data(apiOf(flags).POST("/v1/admin/erasures", { body: { record: flags.record, scope: flags.scope as "body", reason: flags.reason } })));
    }));

  withApiOptions(program.command("erasures").exitOverride())
    .description("list erasure records in log order, with whether each one's openings are cleared (admin API)")
    .option("--after <index>", "list erasure records after this leaf index")
    .option("--limit <n>", "at most this many (1–1000)", "100")
    .action(clientAction(async (flags: ApiOptions & { after?: string; limit: string }) => {
      // the flags go as typed (strings): the service parses and bounds them, and says which one is wrong
      const query = { limit: flags.limit, ...(flags.after === undefined ? {} : { after: flags.after }) } as never;
      printJson(await data(apiOf(flags).GET("/v1/admin/erasures", { params: { query } })));
    }));
}
