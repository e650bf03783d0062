/** Builds the node-opcua client and session from the agent config (security policy/mode, user identity, PKI). */
import {
  MessageSecurityMode, OPCUACertificateManager, OPCUAClient, SecurityPolicy, UserTokenType, type ClientSession, type UserIdentityInfo,
} from "node-opcua";
import type { AgentConfig } from "../config.ts";

export interface ConnectOptions {
  opcua: AgentConfig["opcua"];
  /** password for opcua.credentials, already read from env/file */
  userPassword?: string | undefined;
}

export function createOpcuaClient({ opcua }: ConnectOptions): OPCUAClient {
  // Plant servers usually present self-signed certificates; the agent trusts on first use and keeps them in its PKI dir.
  const clientCertificateManager = new OPCUACertificateManager({ rootFolder: opcua.pkiDir ?? null, automaticallyAcceptUnknownCertificate: true });
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
