// Series bodies (PROTOCOL §4.1): up to 4,096 samples of one tag as delta times, values and statuses. The
// sample times are header.from + Σdt, so a series is checked against its header (seriesTimeProblem).
import { z } from "zod";
import type { Header } from "./header.ts";
import { ServerDtSchema, StatusSchema } from "./bodies.ts";
import { NodeIdSchema } from "./nodeid.ts";
import { OpcDataTypeSchema, valueSchemaOf, type OpcDataTypeV2, type OpcV } from "./opc-value.ts";
import { optionalText } from "./strings.ts";

export const MAX_SERIES_SAMPLES = 4096;
const samples = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(MAX_SERIES_SAMPLES);

export const SeriesBodySchema = z.strictObject({
  nodeId: NodeIdSchema,
  unit: optionalText(64),
  dataType: OpcDataTypeSchema,
  dt: samples(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)),
  values: samples(z.unknown()),
  status: samples(StatusSchema),
  serverDt: samples(ServerDtSchema).optional(),
}).superRefine((b, ctx) => {
  const n = b.dt.length;
  if (b.dt[0] !== 0) ctx.addIssue({ code: "custom", path: ["dt", 0], message: "the first delta is 0 (sample 0 is at header.from)", input: b.dt[0] });
  for (const key of ["values", "status", "serverDt"] as const) {
    const len = b[key]?.length;
    if (len !== undefined && len !== n) ctx.addIssue({ code: "custom", path: [key], message: `${key} has ${len} entries, dt has ${n}`, input: len });
  }
  if (b.serverDt !== undefined && b.serverDt.every((d) => d === 0)) {
    ctx.addIssue({ code: "custom", path: ["serverDt"], message: "serverDt is omitted when every server timestamp equals its sample time", input: b.serverDt });
  }
  const value = valueSchemaOf(b.dataType);
  b.values.forEach((v, i) => {
    if (v === null) return;
    const r = value.safeParse(v);
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: ["values", i, ...issue.path] } as never);
  });
});
/** `values[i]` is the `v` of a Variant of `dataType`, or null for the empty Variant. */
export type SeriesBody = Omit<z.infer<typeof SeriesBodySchema>, "values" | "dataType"> & { dataType: OpcDataTypeV2; values: (OpcV | null)[] };

/** Why header.to is not the time of the last sample (from + Σdt), or null. The sum is a BigInt: 4,096 large deltas can exceed 2^53. */
export function seriesTimeProblem(header: Pick<Header, "from" | "to">, body: Pick<SeriesBody, "dt">): { expected: string; computed: string } | null {
  const from = Date.parse(header.from);
  const last = body.dt.reduce((sum, d) => sum + BigInt(d), BigInt(from));
  if (last === BigInt(Date.parse(header.to))) return null;
  const ms = Number(last);
  const expected = Number.isSafeInteger(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${last} ms`;
  return { expected, computed: header.to };
}
