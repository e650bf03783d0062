// NodeId in its one spelling (PROTOCOL §4): (ns=<1..65535>;)?(i=<uint32>|s=<1..4096>|g=<guid>|b=<base64>).
// Namespace 0 is written without the prefix and numbers have no leading zeros, so each NodeId has one string.
import { z } from "zod";
import { ByteStringSchema, GuidSchema, isWellFormed } from "./strings.ts";

const NODE_ID = /^(?:ns=(0|[1-9][0-9]{0,4});)?(i|s|g|b)=([\s\S]*)$/;
export const MAX_NODE_ID_STRING = 4096;

/** Why `s` is not a canonical NodeId, or null when it is one. */
export function nodeIdProblem(s: string): string | null {
  const m = NODE_ID.exec(s);
  if (m === null) return "expected (ns=<1..65535>;)?(i=|s=|g=|b=)<identifier>";
  const [, ns, type, id] = m as unknown as [string, string | undefined, string, string];
  if (ns === "0") return "namespace 0 is written without the ns=0; prefix";
  if (ns !== undefined && Number(ns) > 65535) return "namespace index above 65535";
  switch (type) {
    case "i": return /^(0|[1-9][0-9]{0,9})$/.test(id) && Number(id) <= 4294967295 ? null : "numeric identifier must be a uint32 without leading zeros";
    case "s": return id.length >= 1 && id.length <= MAX_NODE_ID_STRING && isWellFormed(id) ? null : "string identifier must be 1–4096 well-formed UTF-16 code units";
    case "g": return GuidSchema.safeParse(id).success ? null : "GUID identifier must be lowercase 8-4-4-4-12 hex";
    default: return id.length >= 4 && id.length <= MAX_NODE_ID_STRING && ByteStringSchema.safeParse(id).success ? null : "opaque identifier must be 4–4096 chars of canonical padded base64";
  }
}

export const NodeIdSchema = z.string().superRefine((s, ctx) => {
  const problem = nodeIdProblem(s);
  if (problem !== null) ctx.addIssue({ code: "custom", message: problem, input: s });
});
export type NodeId = z.infer<typeof NodeIdSchema>;
