// `otledger device enroll|update|revoke|list`: device registry administration through the service's admin API,
// which registers and revokes the device on LedgerAnchor with its registrar key.
import type { Command } from "commander";
import { apiOf, clientAction, data, printJson, withApiOptions, type ApiOptions } from "./cli-api.ts";

export function registerDeviceCommands(program: Command): void {
  const device = program.command("device").description("enroll, revoke and list devices (admin API; on-chain registry)");

  withApiOptions(device.command("enroll <address>"))
    .description("register a device address on LedgerAnchor and record its site")
    .requiredOption("--site <site>", "plant site the device belongs to (partner grants filter on it)")
    .option("--label <label>", "human label, e.g. the asset or PLC it reads")
    .option("--metadata-hash <bytes32>", "hash of the device metadata stored on-chain")
    .addHelpText("after", "\nExample:\n  otledger device enroll 0x1234…abcd --site plant-a --label 'Line 1 PLC' --api-key $OTLEDGER_API_KEY")
    .action(clientAction(async (address: string, flags: ApiOptions & { site: string; label?: string; metadataHash?: string }) => {
      const body = { address: address.toLowerCase(), site: flags.site, label: flags.label, metadataHash: flags.metadataHash };
      printJson(await data(apiOf(flags).POST("/v1/admin/devices", { body: body as never })));
    }));

  withApiOptions(device.command("update <address>"))
    .description("change an enrolled device's site and/or label (logged with the old and new values; grants on the old site stop covering it)")
    .option("--site <site>", "the new site")
    .option("--label <label>", "the new label")
    .option("--clear-label", "remove the label")
    .addHelpText("after", "\nA repeated `device enroll` with another site or label is refused (409 device_site_conflict); this is how to change them.\nExample:\n  otledger device update 0x1234…abcd --site plant-b --api-key $OTLEDGER_API_KEY")
    .action(clientAction(async (address: string, flags: ApiOptions & { site?: string; label?: string; clearLabel?: boolean }) => {
      const body = { site: flags.site, label: flags.clearLabel === true ? null : flags.label };
      printJson(await data(apiOf(flags).PATCH("/v1/admin/devices/{address}", { params: { path: { address: address.toLowerCase() } }, body })));
    }));

  withApiOptions(device.command("revoke <address>"))
    .description("revoke a device on LedgerAnchor: records first anchored after this are invalid")
    .action(clientAction(async (address: string, flags: ApiOptions) => {
      printJson(await data(apiOf(flags).POST("/v1/admin/devices/{address}/revoke", { params: { path: { address: address.toLowerCase() } } })));
    }));

  withApiOptions(device.command("list"))
    .description("list devices with their on-chain registry status")
    .action(clientAction(async (flags: ApiOptions) => {
      printJson(await data(apiOf(flags).GET("/v1/admin/devices")));
    }));
}
