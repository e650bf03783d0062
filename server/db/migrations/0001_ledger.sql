-- Up Migration
-- The ledger schema. Hashes, addresses and signatures are bytea (32, 20 and 65 bytes).
-- Ledger tables are append-only for everyone (triggers raise on UPDATE, DELETE and TRUNCATE), and the
-- otledger_app role the service runs as is granted only SELECT and INSERT on them.

DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'otledger_app') THEN
    CREATE ROLE otledger_app NOLOGIN;
  END IF;
END $$;

-- Mirror of the on-chain device registry (LedgerAnchor), refreshed from its events: a cache, so it is mutable.
CREATE TABLE devices (
  address bytea PRIMARY KEY CHECK (length(address) = 20),
  registered boolean NOT NULL,
  revoked boolean NOT NULL,
  revoked_at_checkpoint bigint,
  revoked_at_block bigint,
  revoked_at_time bigint,
  metadata_hash bytea NOT NULL CHECK (length(metadata_hash) = 32),
  -- LedgerAnchor v2's key role: 'device' keys sign reading/series/event records, 'service' keys access/erasure.
  role text NOT NULL CHECK (role IN ('device', 'service')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Accepted envelopes: the signed header as submitted. Records of one envelope have consecutive leaf indexes.
CREATE TABLE envelopes (
  id bigserial PRIMARY KEY,
  device bytea NOT NULL CHECK (length(device) = 20),
  first_seq bigint NOT NULL CHECK (first_seq >= 1),
  count integer NOT NULL CHECK (count >= 1),
  records_root bytea NOT NULL CHECK (length(records_root) = 32),
  last_hash bytea NOT NULL CHECK (length(last_hash) = 32),
  signature bytea NOT NULL CHECK (length(signature) = 65),
  first_index bigint NOT NULL UNIQUE,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (device, first_seq)
);

-- Records (PROTOCOL-v2 §3): one row per record. `header` is the header's JCS text (RFC 8785, UTF-8), the exact
-- bytes whose leaf hash is `hash`; the header fields are repeated as columns for the chain checks and queries.
-- The openings are the stream descriptor (stream_name, stream_salt) and the body and personal openings (salt,
-- body, personal, personal_salt): body/salt/personal/personal_salt are nullable because erasure (issue 12) clears
-- them, leaving the header (a stub) that every proof is over. samples / event_type / asset are query columns taken
-- from the body at ingest (samples: the series' sample count, 1 for a reading).
-- A record's leaf index is its envelope's first_index + (seq - first_seq): see records_indexed. Records are
-- inserted before the log lock is taken (the envelope row, with first_index, comes under it), hence the
-- deferred foreign key.
CREATE TABLE records (
  device bytea NOT NULL CHECK (length(device) = 20),
  seq bigint NOT NULL CHECK (seq >= 1),
  hash bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
  prev bytea CHECK (length(prev) = 32),
  stream bytea NOT NULL CHECK (length(stream) = 32),
  stream_seq bigint NOT NULL CHECK (stream_seq >= 1),
  stream_prev bytea CHECK (length(stream_prev) = 32),
  kind text NOT NULL CHECK (kind IN ('reading', 'series', 'event', 'erasure', 'access')),
  from_ts timestamptz NOT NULL,
  to_ts timestamptz NOT NULL CHECK (to_ts >= from_ts),
  ts timestamptz NOT NULL,
  envelope_id bigint NOT NULL REFERENCES envelopes (id) DEFERRABLE INITIALLY DEFERRED,
  header text NOT NULL,
  stream_name text NOT NULL,
  stream_salt bytea NOT NULL CHECK (length(stream_salt) = 16),
  salt bytea CHECK (length(salt) = 16),
  body jsonb,
  personal jsonb,
  personal_salt bytea CHECK (length(personal_salt) = 16),
  samples integer CHECK (samples >= 1),
  event_type text,
  asset text,
  PRIMARY KEY (device, seq),
  -- Also the stream head lookup: the head of (device, stream) is its max stream_seq row (a backward index scan).
  UNIQUE (device, stream, stream_seq),
  CHECK ((seq = 1) = (prev IS NULL)),
  CHECK ((stream_seq = 1) = (stream_prev IS NULL)),
  CHECK ((body IS NULL) = (salt IS NULL)),
  CHECK ((personal IS NULL) = (personal_salt IS NULL))
);
-- stream_name_conflict: which stream id a device already uses for a name.
CREATE INDEX records_stream_name ON records (device, stream_name, stream);
CREATE INDEX records_envelope ON records (envelope_id);

-- The global log: leaf index -> record hash, contiguous from 0, in commit order.
CREATE TABLE leaves (
  idx bigint PRIMARY KEY CHECK (idx >= 0),
  hash bytea NOT NULL CHECK (length(hash) = 32)
);

-- Every complete perfect subtree of the log with level >= 1 (level 0 is the leaves table):
-- node (level, idx) covers leaves [idx * 2^level, (idx + 1) * 2^level).
CREATE TABLE merkle_nodes (
  level smallint NOT NULL CHECK (level >= 1 AND level < 64),
  idx bigint NOT NULL CHECK (idx >= 0),
  hash bytea NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
);

-- Checkpoints cut by the integrator, indexed 0, 1, 2, ... like LedgerAnchor's.
CREATE TABLE checkpoints (
  idx bigint PRIMARY KEY CHECK (idx >= 0),
  tree_size bigint NOT NULL UNIQUE CHECK (tree_size >= 1),
  root bytea NOT NULL CHECK (length(root) = 32),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Every anchoring transaction as it is sent (written before broadcasting, so a restart knows about it).
CREATE TABLE anchor_txs (
  id bigserial PRIMARY KEY,
  checkpoint_idx bigint NOT NULL REFERENCES checkpoints (idx),
  chain_id bigint NOT NULL,
  contract bytea NOT NULL,
  sender bytea NOT NULL,
  nonce bigint NOT NULL,
  tx_hash bytea NOT NULL UNIQUE,
  max_fee_per_gas numeric,
  max_priority_fee_per_gas numeric,
  sent_at timestamptz NOT NULL DEFAULT now()
);

-- Confirmed anchors. A checkpoint re-anchored after the chain lost it gets a newer row; the latest row wins.
CREATE TABLE anchors (
  id bigserial PRIMARY KEY,
  checkpoint_idx bigint NOT NULL REFERENCES checkpoints (idx),
  chain_id bigint NOT NULL,
  contract bytea NOT NULL,
  tx_hash bytea NOT NULL,
  block_number bigint NOT NULL,
  block_hash bytea NOT NULL,
  confirmed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX anchors_checkpoint ON anchors (checkpoint_idx, id DESC);

-- Equivocation: a validly signed envelope carrying a different record for a seq already used.
-- Keeps the whole conflicting submission; the other side is the stored envelope and record.
CREATE TABLE equivocations (
  id bigserial PRIMARY KEY,
  device bytea NOT NULL,
  seq bigint NOT NULL,
  existing_hash bytea NOT NULL,
  conflicting_hash bytea NOT NULL,
  existing_envelope_id bigint NOT NULL REFERENCES envelopes (id),
  conflicting_envelope jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (device, seq, conflicting_hash)
);

-- Records with their global leaf index.
CREATE VIEW records_indexed AS
  SELECT e.first_index + (r.seq - e.first_seq) AS leaf_index, r.*
  FROM records r JOIN envelopes e ON e.id = r.envelope_id;
GRANT SELECT ON records_indexed TO otledger_app;

CREATE FUNCTION otledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'otledger: % on append-only table % is refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['envelopes', 'records', 'leaves', 'merkle_nodes', 'checkpoints', 'anchor_txs', 'anchors', 'equivocations'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION otledger_append_only()', t || '_append_only', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION otledger_append_only()', t || '_no_truncate', t);
    EXECUTE format('REVOKE ALL ON %I FROM otledger_app', t);
    EXECUTE format('GRANT SELECT, INSERT ON %I TO otledger_app', t);
  END LOOP;
END $$;

GRANT USAGE ON SCHEMA public TO otledger_app;
GRANT SELECT, INSERT, UPDATE ON devices TO otledger_app;
GRANT USAGE ON SEQUENCE envelopes_id_seq, anchor_txs_id_seq, anchors_id_seq, equivocations_id_seq TO otledger_app;

-- Down Migration
DROP VIEW records_indexed;
DROP TABLE equivocations, anchors, anchor_txs, checkpoints, merkle_nodes, leaves, records, envelopes, devices;
DROP FUNCTION otledger_append_only();
