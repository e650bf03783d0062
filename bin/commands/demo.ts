// `otledger demo`: the whole story in one command. The demo is a script (scripts/demo/), which nothing imports,
// so it runs as a child process with the arguments passed through.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("run the whole story: plant, agent, ledger, chain, partner, auditor, and a detected tamper (< 60 s)")
    .allowUnknownOption(true)
    .helpOption(false)
    .argument("[args...]", "passed to the demo (--seconds N, --report FILE, --keep, --help)")
    .action((args: string[]) => new Promise<void>((resolve) => {
      const script = fileURLToPath(new URL("../../scripts/demo/main.ts", import.meta.url));
      const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", script, ...args], { stdio: "inherit" });
      // Ctrl-C reaches the child through the terminal's process group; the demo cleans up and exits on its own.
      process.on("SIGINT", () => {});
      child.on("exit", (code, signal) => {
        process.exitCode = code ?? (signal ? 1 : 0);
        resolve();
      });
    }));
}
