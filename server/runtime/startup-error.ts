// A start-up mistake the operator can fix: one line naming the variable and the fix, exit code 2 (server/cli.ts).
export type StartupErrorCode = "data_dir_in_use" | "data_dir_unusable" | "data_dir_unreachable" | "port_in_use" | "port_forbidden" | "host_unavailable";

export class StartupError extends Error {
  readonly code: StartupErrorCode;
  /** The environment variable to change. */
  readonly variable: "DATA_DIR" | "PORT" | "HOST";
  readonly evidence: Record<string, unknown>;
  constructor(code: StartupErrorCode, variable: StartupError["variable"], message: string, evidence: Record<string, unknown> = {}) {
    super(message);
    this.name = "StartupError";
    this.code = code;
    this.variable = variable;
    this.evidence = evidence;
  }
}
