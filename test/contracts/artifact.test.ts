// core/ledger-anchor-artifact.ts is generated and committed; it must equal the freshly built Hardhat artifact
// (npm test builds the contracts first), or server, edge and auditor would talk to a contract that is not this one.
import t from "tap";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { ledgerAnchorAbi, ledgerAnchorBytecode, ledgerAnchorDeployedBytecode } from "../../core/ledger-anchor-artifact.ts";

const built = JSON.parse(readFileSync("artifacts/contracts/LedgerAnchor.sol/LedgerAnchor.json", "utf8")) as {
  abi: unknown[];
  bytecode: string;
  deployedBytecode: string;
};

t.same(ledgerAnchorAbi, built.abi, "ABI equals the built artifact's");
t.equal(ledgerAnchorBytecode, built.bytecode, "creation bytecode equals the built artifact's");
t.equal(ledgerAnchorDeployedBytecode, built.deployedBytecode, "runtime bytecode equals the built artifact's");
t.doesNotThrow(
  () => execFileSync(process.execPath, ["scripts/export-contract-artifact.mjs", "--check"], { stdio: "pipe" }),
  "the generated file is byte-for-byte what the export script writes",
);
