/** A TCP forwarder whose `down()` makes the ledger unreachable (connections refused and cut) until `up()`. */
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { freePort } from "../../edge/simulator/server.ts";

export async function startTcpProxy(targetPort: number) {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const listen = () => new Promise<void>((resolve, reject) => {
    server = createServer((client) => {
      const upstream = createConnection({ host: "127.0.0.1", port: targetPort });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
        s.on("error", () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    async down() {
      const s = server;
      server = null;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
    },
    up: listen,
    close() {
      return this.down();
    },
  };
}
