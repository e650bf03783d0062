// `otledger partner create|grant|revoke`: principals, their API keys and their read grants (admin API).
import type { Command } from "commander";
import { apiOf, clientAction, data, printJson, withApiOptions, type ApiOptions } from "./cli-api.ts";

export function registerPartnerCommands(program: Command): void {
  const partner = program.command("partner").description("partner and auditor principals, API keys and scoped grants (admin API)");

  withApiOptions(partner.command("create <name>"))
    .description("create a principal and its first API key (the key is shown once)")
    .option("--role <role>", "partner or auditor", "partner")
    .action(clientAction(async (name: string, flags: ApiOptions & { role: string }) => {
      const api = apiOf(flags);
      // the role is the user's word: the service checks it (400 with the allowed values)
      const principal = await data(api.POST("/v1/admin/principals", { body: { name, role: flags.role as "partner" } }));
      const key = await data(api.POST("/v1/admin/principals/{id}/keys", { params: { path: { id: principal.id } }, body: { label: "initial" } }));
      printJson({ principal, keyId: key.id, apiKey: key.key, note: "store the key now: it is not shown again" });
    }));

  withApiOptions(partner.command("grant <principalId>"))
    .description("let a partner read records within a scope; every given dimension narrows it")
    .option("--site <site>")
    .option("--device <address>")
    .option("--kind <kind>", "reading, series or event")
    .option("--stream <pattern>", "a stream name (tag, @events/<asset>) or a prefix pattern ending in * (P-101.*, @events/*)")
    .option("--from <instant>", "records whose span starts at or after this RFC 3339 instant")
    .option("--to <instant>", "records whose span ends before this instant (a series reaching past it is not covered)")
    .option("--expires <instant>", "the grant stops applying at this instant")
    .addHelpText("after", "\nExample:\n  otledger partner grant 3 --site plant-a --kind reading --expires 2027-01-01T00:00:00.000Z\n  otledger partner grant 3 --stream 'P-101.*' --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z")
    .action(clientAction(async (principalId: string, flags: ApiOptions & Record<string, string | undefined>) => {
      const body = { site: flags.site, device: flags.device?.toLowerCase(), kind: flags.kind, stream: flags.stream, from: flags.from, to: flags.to, expiresAt: flags.expires };
      printJson(await data(apiOf(flags).POST("/v1/admin/principals/{id}/grants", { params: { path: { id: principalId as never } }, body: body as never })));
    }));

  withApiOptions(partner.command("revoke"))
    .description("revoke an API key (--key) or a grant (--grant)")
    .option("--key <keyId>", "the key id (16 hex digits) to revoke")
    .option("--grant <grantId>", "the grant id to revoke")
    .action(clientAction(async (flags: ApiOptions & { key?: string; grant?: string }) => {
      if ((flags.key === undefined) === (flags.grant === undefined)) {
        process.stderr.write("otledger: give exactly one of --key or --grant\n");
        process.exitCode = 2;
        return;
      }
      // The service answers the key or grant as revoked (with revokedAt): show what was revoked.
      const api = apiOf(flags);
      if (flags.key !== undefined) printJson({ revoked: "key", key: await data(api.DELETE("/v1/admin/keys/{keyId}", { params: { path: { keyId: flags.key } } })) });
      else printJson({ revoked: "grant", grant: await data(api.DELETE("/v1/admin/grants/{id}", { params: { path: { id: flags.grant as never } } })) });
    }));
}
