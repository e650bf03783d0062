-- Up Migration
-- Partner/auditor API (server/api/): principals, API keys (scrypt hashes only), partner grants and device sites.
-- These are administrative tables, not ledger tables: keys and grants are revoked by setting revoked_at.

CREATE TABLE api_principals (
  id bigserial PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 128),
  role text NOT NULL CHECK (role IN ('admin', 'partner', 'auditor')),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A key is "otl_<id>_<secret>"; only the scrypt hash of the secret is kept.
CREATE TABLE api_keys (
  id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{16}$'),
  principal_id bigint NOT NULL REFERENCES api_principals (id),
  secret_hash text NOT NULL,
  label text,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX api_keys_principal ON api_keys (principal_id);

-- A partner may read a record iff one live grant matches it on every dimension the grant sets (NULL = any).
CREATE TABLE api_grants (
  id bigserial PRIMARY KEY,
  principal_id bigint NOT NULL REFERENCES api_principals (id),
  site text,
  device bytea CHECK (length(device) = 20),
  kind text CHECK (kind IN ('reading', 'series', 'event')),
  from_ts timestamptz,
  to_ts timestamptz,
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  CHECK (from_ts IS NULL OR to_ts IS NULL OR from_ts < to_ts)
);
CREATE INDEX api_grants_principal ON api_grants (principal_id);

-- Devices enrolled through the API: their site and label (registry status itself lives on-chain).
CREATE TABLE api_devices (
  address bytea PRIMARY KEY CHECK (length(address) = 20),
  site text NOT NULL CHECK (length(site) BETWEEN 1 AND 128),
  label text,
  enrolled_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_devices_site ON api_devices (site);

GRANT SELECT, INSERT, UPDATE ON api_principals, api_keys, api_grants, api_devices TO otledger_app;
GRANT USAGE ON SEQUENCE api_principals_id_seq, api_grants_id_seq TO otledger_app;

-- Down Migration
DROP TABLE api_devices, api_grants, api_keys, api_principals;
