// GET /verify in the OpenAPI document: an HTML page, or 503 until it is built.
import { z } from "zod";
import { errorResponses } from "../http/error-responses.ts";

export const verifierPageSchema = {
  tags: ["verify"], operationId: "getVerifierPage",
  summary: "The browser verifier: drop a bundle, envelope proof or stream answer, give an RPC URL, see every check (docs: README §Browser verifier)",
  response: {
    200: { description: "the self-contained verifier page", content: { "text/html": { schema: z.string() } } },
    ...errorResponses({ 503: ["verifier_not_built"] }),
  },
};
