// The v1 code, checked out beside this tree for side-by-side measurements in one run: protocol v1 was replaced
// (issue 11), so the only honest v1 figure is v1's own service measured now, on this machine, in this cluster.
import { execFileSync } from "node:child_process";
import { existsSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The last commit of main whose server, edge and auditor spoke protocol v1. */
export const V1_COMMIT = "2c34040d847fe527a5bda0ee8c983fb70a07e0c8";

/** A detached worktree of V1_COMMIT in the temp dir, outside this tree's tooling (sharing its node_modules), made once. */
export function v1Worktree(repo: string): string {
  const dir = join(tmpdir(), `otledger-v1-${V1_COMMIT.slice(0, 12)}`);
  if (!existsSync(join(dir, "server", "app.ts"))) {
    execFileSync("git", ["-C", repo, "worktree", "prune"], { stdio: "ignore" });
    execFileSync("git", ["-C", repo, "worktree", "add", "--force", "--detach", dir, V1_COMMIT], { stdio: "ignore" });
  }
  if (!existsSync(join(dir, "node_modules"))) symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}
