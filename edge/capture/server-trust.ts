/**
 * Trust in OPC UA server certificates. An unknown server certificate is refused and filed in the PKI dir's
 * `rejected/` folder: an impostor at the PLC's address must get neither the OPC UA user password nor the chance
 * to feed readings that the device key then signs. The operator trusts a certificate explicitly
 * (`otledger edge trust <file|thumbprint>`, which moves it to `trusted/`) or pins its SHA-1 thumbprint in
 * `opcua.serverTrust.pinnedThumbprints`. `opcua.serverTrust.acceptUnknown: true` trusts any certificate (lab only).
 */
import { createHash, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OPCUACertificateManager, StatusCodes, type StatusCode } from "node-opcua";

/** DER bytes of one X.509 certificate (node-opcua's Certificate). */
type Certificate = Buffer;

export interface ServerCertificateInfo {
  thumbprint: string;
  subject: string;
}
export type TrustErrorCode = "trust_argument_invalid" | "trust_certificate_not_found" | "trust_certificate_unreadable";
export class TrustError extends Error {
  readonly code: TrustErrorCode;
  constructor(code: TrustErrorCode, message: string) {
    super(message);
    this.name = "TrustError";
    this.code = code;
  }
}

/** Lowercase hex without separators, as node-opcua prints it; UaExpert's `AB:CD:…` is accepted too. */
export function normalizeThumbprint(text: string): string | null {
  const hex = text.replace(/[:\s]/g, "").toLowerCase();
  return /^[0-9a-f]{40}$/.test(hex) ? hex : null;
}

/** The server's own certificate: the first of a chain (a chain arrives as concatenated DER; X509Certificate reads the first). */
function leafOf(chain: Certificate | Certificate[]): Certificate {
  return Array.isArray(chain) ? chain[0]! : Buffer.from(new X509Certificate(chain).raw);
}

/** SHA-1 over the DER, as OPC UA (and node-opcua's trust folders) name certificates. */
export function describeCertificate(der: Certificate): ServerCertificateInfo {
  const thumbprint = createHash("sha1").update(der).digest("hex");
  let subject = "";
  try {
    subject = new X509Certificate(der).subject.split("\n").filter((part) => /^(CN|O)=/.test(part)).join(", ");
  } catch { /* an unparsable certificate is still named by its thumbprint */ }
  return { thumbprint, subject };
}

export interface ServerTrustOptions {
  pkiDir: string;
  pinnedThumbprints: readonly string[];
  acceptUnknown: boolean;
  /** an unknown certificate was refused (and filed in rejected/) */
  onUntrusted?: (cert: ServerCertificateInfo & { rejectedDir: string }) => void;
  /** an unknown certificate was accepted because acceptUnknown is set */
  onAcceptedUnknown?: (cert: ServerCertificateInfo) => void;
}

/** The client's certificate manager: node-opcua's, plus pinned thumbprints and a report of every refusal. */
export class ServerTrustManager extends OPCUACertificateManager {
  private readonly trust: ServerTrustOptions;

  constructor(options: ServerTrustOptions) {
    super({ rootFolder: options.pkiDir, automaticallyAcceptUnknownCertificate: options.acceptUnknown });
    this.trust = options;
  }

  override checkCertificate(chain: Certificate | Certificate[]): Promise<StatusCode>;
  override checkCertificate(chain: Certificate | Certificate[], callback: (err: Error | null, status?: StatusCode) => void): void;
  override checkCertificate(chain: Certificate | Certificate[], callback?: (err: Error | null, status?: StatusCode) => void): Promise<StatusCode> | void {
    const verdict = this.check(chain);
    if (!callback) return verdict;
    verdict.then((status) => callback(null, status), (err: Error) => callback(err));
  }

  private async check(chain: Certificate | Certificate[]): Promise<StatusCode> {
    const leaf = leafOf(chain);
    const info = describeCertificate(leaf);
    const known = (await this.isCertificateTrusted(leaf)) === "Good";
    if (!known && this.trust.pinnedThumbprints.includes(info.thumbprint)) await this.trustCertificate(leaf);
    else if (!known && this.trust.acceptUnknown) this.trust.onAcceptedUnknown?.(info);
    const status = await super.checkCertificate(chain);
    if (status.equals(StatusCodes.BadCertificateUntrusted)) this.trust.onUntrusted?.({ ...info, rejectedDir: this.rejectedFolder });
    return status;
  }
}

function readCertificateFile(file: string): Certificate {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new TrustError("trust_certificate_unreadable", `cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    // PEM or DER; a PEM bundle or DER chain yields its first certificate
    return Buffer.from(new X509Certificate(bytes).raw);
  } catch (err) {
    throw new TrustError("trust_certificate_unreadable", `${file} is not a PEM or DER certificate: ${(err as Error).message}`);
  }
}

function certificatesIn(dir: string): (ServerCertificateInfo & { file: string; der: Certificate })[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    try {
      const der = readCertificateFile(join(dir, name));
      return [{ ...describeCertificate(der), file: join(dir, name), der }];
    } catch {
      return [];
    }
  });
}

/** The server certificates of a PKI dir: refused ones (waiting for a decision) and trusted ones. */
export function listServerCertificates(pkiDir: string): { rejected: (ServerCertificateInfo & { file: string })[]; trusted: (ServerCertificateInfo & { file: string })[] } {
  const strip = ({ der: _der, ...c }: ServerCertificateInfo & { file: string; der: Certificate }) => c;
  return { rejected: certificatesIn(join(pkiDir, "rejected")).map(strip), trusted: certificatesIn(join(pkiDir, "trusted", "certs")).map(strip) };
}

/** Trusts a server certificate given as a PEM/DER file or as the thumbprint of one in rejected/. */
export async function trustServerCertificate(pkiDir: string, fileOrThumbprint: string): Promise<ServerCertificateInfo> {
  let der: Certificate;
  if (existsSync(fileOrThumbprint)) der = readCertificateFile(fileOrThumbprint);
  else {
    const thumbprint = normalizeThumbprint(fileOrThumbprint);
    if (!thumbprint) throw new TrustError("trust_argument_invalid", `${fileOrThumbprint} is neither a certificate file nor a SHA-1 thumbprint (40 hex digits)`);
    const rejected = certificatesIn(join(pkiDir, "rejected"));
    const found = rejected.find((c) => c.thumbprint === thumbprint);
    if (!found) {
      const seen = rejected.map((c) => `${c.thumbprint}${c.subject ? ` (${c.subject})` : ""}`).join(", ") || "none";
      throw new TrustError("trust_certificate_not_found", `no refused server certificate with thumbprint ${thumbprint} in ${join(pkiDir, "rejected")} (refused: ${seen})`);
    }
    der = found.der;
  }
  // Plain file moves, no node-opcua store lock: a running agent holds that lock across processes, and its next
  // connection attempt opens a fresh store that reads trusted/ again. The file name is node-opcua's own.
  const info = describeCertificate(der);
  const trustedDir = join(pkiDir, "trusted", "certs");
  mkdirSync(trustedDir, { recursive: true });
  const name = `${(info.subject.match(/CN=([^,]*)/)?.[1] ?? "certificate").replace(/[^\w.@-]/g, "_")}[${info.thumbprint}].pem`;
  const tmp = join(trustedDir, `.${name}.tmp`);
  writeFileSync(tmp, new X509Certificate(der).toString());
  renameSync(tmp, join(trustedDir, name));
  for (const c of certificatesIn(join(pkiDir, "rejected"))) if (c.thumbprint === info.thumbprint) rmSync(c.file, { force: true });
  return info;
}
