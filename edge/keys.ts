/** Device key: an ethers (Web3 Secret Storage, scrypt) encrypted JSON keystore; the password comes from env or file. */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname } from "node:path";
import { Wallet, encryptKeystoreJson, decryptKeystoreJson, type KeystoreAccount } from "ethers";

export type KeystoreErrorCode = "keystore_missing" | "keystore_invalid" | "keystore_wrong_password" | "keystore_exists" | "keystore_password_weak";
export class KeystoreError extends Error {
  readonly code: KeystoreErrorCode;
  readonly file: string;
  constructor(code: KeystoreErrorCode, file: string, message: string) {
    super(message);
    this.name = "KeystoreError";
    this.code = code;
    this.file = file;
  }
}

export interface KeygenOptions {
  /** scrypt cost N (power of two); the ethers default 2^17 suits production, tests may go lower */
  scryptN?: number;
  overwrite?: boolean;
}

/** Creates a new random device key, writes it encrypted (mode 0600), and returns its lowercase address. */
export async function createKeystore(file: string, password: string, options: KeygenOptions = {}): Promise<string> {
  if (password.length < 8) throw new KeystoreError("keystore_password_weak", file, "keystore password must be at least 8 characters");
  if (existsSync(file) && !options.overwrite) throw new KeystoreError("keystore_exists", file, `keystore ${file} already exists; refusing to overwrite a device key`);
  const wallet = Wallet.createRandom();
  const account: KeystoreAccount = { address: wallet.address, privateKey: wallet.privateKey };
  const json = await encryptKeystoreJson(account, password, { scrypt: { N: options.scryptN ?? 1 << 17 } });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, json, { mode: 0o600, flag: "w" });
  return wallet.address.toLowerCase();
}

/** Decrypts the keystore; a wrong password is a KeystoreError("keystore_wrong_password"), not a stack trace. */
export async function loadDeviceWallet(file: string, password: string): Promise<Wallet> {
  let json: string;
  try {
    json = readFileSync(file, "utf8");
  } catch (err) {
    throw new KeystoreError("keystore_missing", file, `cannot read device keystore ${file}: ${(err as Error).message}`);
  }
  let account: KeystoreAccount;
  try {
    account = await decryptKeystoreJson(json, password);
  } catch (err) {
    const message = (err as Error).message ?? "";
    if (/incorrect password/i.test(message)) throw new KeystoreError("keystore_wrong_password", file, `wrong password for device keystore ${file}`);
    throw new KeystoreError("keystore_invalid", file, `${file} is not an encrypted JSON keystore: ${message.split("(")[0]!.trim()}`);
  }
  return new Wallet(account.privateKey);
}
