// Entry of `npm start`: the service with embedded PostgreSQL and a local anvil chain unless configured otherwise.
import { runServer } from "./cli.ts";

await runServer();
