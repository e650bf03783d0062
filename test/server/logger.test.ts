// Log format (issue item 21): readable lines on a terminal, NDJSON when piped; LOG_FORMAT forces either.
import { PassThrough } from "node:stream";
import t from "tap";
import { chooseLogFormat, createLogger } from "../../server/runtime/logger.ts";

t.test("the stream chooser", async (t) => {
  t.equal(chooseLogFormat("auto", { isTTY: true }), "pretty", "a terminal gets readable lines");
  t.equal(chooseLogFormat("auto", {}), "json", "a pipe or file gets NDJSON");
  t.equal(chooseLogFormat("auto", { isTTY: false }), "json");
  t.equal(chooseLogFormat("json", { isTTY: true }), "json", "LOG_FORMAT=json on a terminal");
  t.equal(chooseLogFormat("pretty", {}), "pretty", "LOG_FORMAT=pretty when piped");
});

async function written(isTTY: boolean, log: (l: ReturnType<typeof createLogger>) => void): Promise<string> {
  const out = Object.assign(new PassThrough(), { isTTY });
  let text = "";
  out.on("data", (d: Buffer) => { text += d.toString(); });
  const logger = createLogger({ level: "info", destination: out });
  log(logger);
  logger.flush();
  await new Promise((r) => setImmediate(r));
  return text.replace(/\x1b\[[0-9;]*m/g, ""); // colours on a terminal

}

t.test("a terminal gets readable lines, a pipe gets JSON with the same content", async (t) => {
  const pretty = await written(true, (l) => l.info({ device: "0xabc" }, "envelope stored"));
  t.match(pretty, /INFO.*envelope stored/, "level name and message");
  t.match(pretty, /device: "0xabc"/, "fields as key: value");
  t.throws(() => JSON.parse(pretty.split("\n")[0]!), "not JSON");

  const piped = await written(false, (l) => { l.info({ device: "0xabc" }, "envelope stored"); l.warn("second"); });
  const lines = piped.trim().split("\n").map((line) => JSON.parse(line));
  t.equal(lines.length, 2, "one JSON object per line");
  t.match(lines[0], { level: 30, msg: "envelope stored", device: "0xabc" });
  t.type(lines[0].time, "number", "epoch ms");
});

t.test("credentials are redacted in both formats", async (t) => {
  for (const tty of [true, false]) {
    const text = await written(tty, (l) => l.info({ req: { headers: { authorization: "Bearer otl_secret" } } }, "request"));
    t.notMatch(text, /otl_secret/, `tty=${tty}`);
  }
});
