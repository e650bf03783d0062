import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";

// The default compiler download needs the internet; the solc package ships soljson.js, so compile offline with it.
const require = createRequire(import.meta.url);
const solcVersion: string = require("solc/package.json").version;

export default defineConfig({
  solidity: {
    version: solcVersion,
    path: require.resolve("solc/soljson.js"),
    settings: { optimizer: { enabled: true, runs: 1000 }, evmVersion: "cancun" },
  },
  paths: { sources: "./contracts" },
});
