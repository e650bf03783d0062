// Earlier code, checked out beside this tree for side-by-side measurements in one run: protocol v1 was replaced
// (issue 11) and the v2 schema before migration 0110 (issue 13) was changed in place, so the only honest figure
// for either is that code's own service measured now, on this machine, in this cluster.
import { execFileSync } from "node:child_process";
import { existsSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The last commit of main whose server, edge and auditor spoke protocol v1. */
export const V1_COMMIT = "2c34040d847fe527a5bda0ee8c983fb70a07e0c8";
/** A commit of main with the v2 schema before migration 0110 (header text, leaves table, every merkle level). */
export const PRE_0110_COMMIT = "8483713996835b0deab3355646f2da873c39159a";

/** A detached worktree of `commit` in the temp dir, outside this tree's tooling (sharing its node_modules), made once. */
export function worktreeAt(repo: string, commit: string, name: string): string {
  const dir = join(tmpdir(), `otledger-${name}-${commit.slice(0, 12)}`);
  if (!existsSync(join(dir, "server", "app.ts"))) {
    execFileSync("git", ["-C", repo, "worktree", "prune"], { stdio: "ignore" });
    execFileSync("git", ["-C", repo, "worktree", "add", "--force", "--detach", dir, commit], { stdio: "ignore" });
  }
  if (!existsSync(join(dir, "node_modules"))) symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** The v1 worktree. */
export const v1Worktree = (repo: string): string => worktreeAt(repo, V1_COMMIT, "v1");
