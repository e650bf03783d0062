/** Builds the node-opcua client and session from the agent config (security policy/mode, user identity, PKI). */
import {
  MessageSecurityMode, OPCUAClient, SecurityPolicy, UserTokenType, type ClientSession, type UserIdentityInfo,
} from "node-opcua";
import type { AgentConfig } from "../config.ts";
import { ServerTrustManager, type ServerTrustOptions } from "./server-trust.ts";

export interface ConnectOptions {
  opcua: AgentConfig["opcua"];
  /** password for opcua.credentials, already read from env/file */
  userPassword?: string | undefined;
}
export type TrustEvents = Pick<ServerTrustOptions, "onUntrusted" | "onAcceptedUnknown">;

export function createOpcuaClient({ opcua }: ConnectOptions, events: TrustEvents = {}): OPCUAClient {
  // Unknown server certificates are refused (and filed in <pkiDir>/rejected) unless trusted or pinned: see server-trust.ts.
  const clientCertificateManager = new ServerTrustManager({
    pkiDir: opcua.pkiDir!, pinnedThumbprints: opcua.serverTrust.pinnedThumbprints, acceptUnknown: opcua.serverTrust.acceptUnknown, ...events,
  });
  return OPCUAClient.create({
    applicationName: "otledger-edge",
    applicationUri: "urn:otledger:edge",
    clientCertificateManager,
    endpointMustExist: false,
    securityMode: MessageSecurityMode[opcua.securityMode],
    securityPolicy: SecurityPolicy[opcua.securityPolicy],
    keepSessionAlive: true,
    requestedSessionTimeout: 60_000,
    // node-opcua's own reconnection: endless, exponential up to maxDelay; the capture layer reports each attempt
    connectionStrategy: { initialDelay: opcua.reconnect.initialDelayMs, maxDelay: opcua.reconnect.maxDelayMs, maxRetry: 1_000_000, randomisationFactor: 0.2 },
  });
}

export function userIdentity({ opcua, userPassword }: ConnectOptions): UserIdentityInfo {
  if (!opcua.credentials) return { type: UserTokenType.Anonymous };
  return { type: UserTokenType.UserName, userName: opcua.credentials.username, password: userPassword ?? "" };
}

export async function openSession(client: OPCUAClient, options: ConnectOptions): Promise<ClientSession> {
  return client.createSession(userIdentity(options));
}
