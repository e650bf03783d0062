-- Up Migration
-- Storage that does not repeat itself (issue 13): one authoritative copy of each fact, in place on a v2 database.
--  1. records.header (the header's JCS text) goes: every header field but the body commitment was a column
--     already, so the column becomes body_commitment (bytea) and the JCS text is rebuilt from the columns when
--     served (otledger_header_jcs). Before the text is dropped, every row's rebuild is compared with it byte for
--     byte; afterwards records_header_rebuilds makes a row whose rebuilt header does not hash to `hash` impossible
--     to store (ingest answers it as a 500 alarm, never silently).
--  2. leaves goes: a leaf is the record at envelope position first_index + (seq - first_seq). Before dropping it,
--     every leaf is checked to be that record's hash. A view of the same name and columns stays for inspection.
--  3. merkle_nodes keeps levels >= 8 only (the C2SP tlog-tiles tile height): lower nodes are rebuilt from at most
--     256 leaf hashes when a proof needs them (server/log/merkle-store.ts).
--  4. records_stream_name keeps only each stream's first record (stream_seq = 1): its one user asks which stream
--     id a device uses for a name, and every stream has exactly one first record.
-- The ledger tables stay append-only: records is rewritten by ALTER TABLE (no UPDATE), merkle_nodes is rebuilt as
-- a copy with the same triggers and grants; no trigger is disabled.

-- A canonical timestamp (PROTOCOL §2: RFC 3339 UTC, three fractional digits) of a timestamptz that came from one:
-- ingest stores year 0000 as 1 BC (PostgreSQL has no year 0), so it is spelled back as 0000.
CREATE FUNCTION otledger_ts(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN t < '0001-01-01T00:00:00Z'::timestamptz
    THEN '0000' || to_char(t AT TIME ZONE 'UTC', '-MM-DD"T"HH24:MI:SS.MS"Z"')
    ELSE to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END
$$;

-- The header's JCS text (RFC 8785: members sorted, no whitespace) from its columns: the exact bytes of the
-- record hash. Every value is hex, a decimal integer, a canonical timestamp or a fixed kind, so no escaping.
CREATE FUNCTION otledger_header_jcs(
  device bytea, seq bigint, prev bytea, stream bytea, stream_seq bigint, stream_prev bytea, kind text,
  from_ts timestamptz, to_ts timestamptz, ts timestamptz, body_commitment bytea
) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT '{"body":"0x' || encode(body_commitment, 'hex')
    || '","device":"0x' || encode(device, 'hex')
    || '","from":"' || otledger_ts(from_ts)
    || '","kind":"' || kind
    || '","prev":' || coalesce('"0x' || encode(prev, 'hex') || '"', 'null')
    || ',"seq":' || seq
    || ',"stream":"0x' || encode(stream, 'hex')
    || '","streamPrev":' || coalesce('"0x' || encode(stream_prev, 'hex') || '"', 'null')
    || ',"streamSeq":' || stream_seq
    || ',"to":"' || otledger_ts(to_ts)
    || '","ts":"' || otledger_ts(ts)
    || '","v":2}'
$$;

-- 1. The header text becomes its one fact the columns lacked, after proving the columns rebuild it.
DO $$
DECLARE bad bigint; first_bad bytea;
BEGIN
  SELECT count(*), min(hash) INTO bad, first_bad FROM records
  WHERE otledger_header_jcs(device, seq, prev, stream, stream_seq, stream_prev, kind, from_ts, to_ts, ts,
          decode(substring(header from '^\{"body":"0x([0-9a-f]{64})"'), 'hex')) IS DISTINCT FROM header;
  IF bad > 0 THEN
    RAISE EXCEPTION 'otledger 0110: % stored headers are not rebuilt byte for byte from their columns (first: %)', bad, encode(first_bad, 'hex');
  END IF;
END $$;

DROP VIEW records_indexed;
ALTER TABLE records ALTER COLUMN header TYPE bytea USING decode(substring(header from '^\{"body":"0x([0-9a-f]{64})"'), 'hex');
ALTER TABLE records RENAME COLUMN header TO body_commitment;
ALTER TABLE records
  ADD CONSTRAINT records_body_commitment_length CHECK (length(body_commitment) = 32),
  ADD CONSTRAINT records_header_rebuilds CHECK (hash = sha256('\x00'::bytea || convert_to(
    otledger_header_jcs(device, seq, prev, stream, stream_seq, stream_prev, kind, from_ts, to_ts, ts, body_commitment), 'UTF8')));

-- Records with their global leaf index and their header's JCS text, rebuilt (as before 0110, where it was a column).
CREATE VIEW records_indexed AS
  SELECT e.first_index + (r.seq - e.first_seq) AS leaf_index, r.*,
    otledger_header_jcs(r.device, r.seq, r.prev, r.stream, r.stream_seq, r.stream_prev, r.kind, r.from_ts, r.to_ts, r.ts, r.body_commitment) AS header
  FROM records r JOIN envelopes e ON e.id = r.envelope_id;
GRANT SELECT ON records_indexed TO otledger_app;

-- 2. Leaves are derived. Every stored leaf must be its record's hash, and every record a leaf.
DO $$
DECLARE leaf_count bigint; matched bigint; record_count bigint;
BEGIN
  SELECT count(*) INTO leaf_count FROM leaves;
  SELECT count(*) INTO record_count FROM records;
  SELECT count(*) INTO matched FROM leaves l JOIN records_indexed r ON r.leaf_index = l.idx AND r.hash = l.hash;
  IF matched <> leaf_count OR record_count <> leaf_count OR (leaf_count > 0 AND (SELECT max(idx) FROM leaves) <> leaf_count - 1) THEN
    RAISE EXCEPTION 'otledger 0110: leaves (%) and records (%) disagree: % leaves are their record''s hash', leaf_count, record_count, matched;
  END IF;
END $$;
DROP TABLE leaves;
-- For people and tests, not for the service's hot paths (server/log/leaf-store.ts has the indexed forms).
CREATE VIEW leaves AS
  SELECT e.first_index + (r.seq - e.first_seq) AS idx, r.hash
  FROM envelopes e JOIN records r ON r.envelope_id = e.id AND r.device = e.device;
GRANT SELECT ON leaves TO otledger_app;

-- 3. Perfect subtrees from level 8 up.
CREATE TABLE merkle_nodes_from_8 (
  level smallint NOT NULL CHECK (level >= 8 AND level < 64),
  idx bigint NOT NULL CHECK (idx >= 0),
  hash bytea NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
);
INSERT INTO merkle_nodes_from_8 SELECT level, idx, hash FROM merkle_nodes WHERE level >= 8 ORDER BY level, idx;
DROP TABLE merkle_nodes;
ALTER TABLE merkle_nodes_from_8 RENAME TO merkle_nodes;
ALTER INDEX merkle_nodes_from_8_pkey RENAME TO merkle_nodes_pkey;
CREATE TRIGGER merkle_nodes_append_only BEFORE UPDATE OR DELETE ON merkle_nodes FOR EACH ROW EXECUTE FUNCTION otledger_append_only();
CREATE TRIGGER merkle_nodes_no_truncate BEFORE TRUNCATE ON merkle_nodes FOR EACH STATEMENT EXECUTE FUNCTION otledger_append_only();
REVOKE ALL ON merkle_nodes FROM otledger_app;
GRANT SELECT, INSERT ON merkle_nodes TO otledger_app;

-- 4. Which stream id a device uses for a name: one entry per stream.
DROP INDEX records_stream_name;
CREATE INDEX records_stream_name ON records (device, stream_name) INCLUDE (stream) WHERE stream_seq = 1;

-- Down Migration
-- Not reversible in place: the header text and the leaves and low merkle levels are gone (they are derived).
DO $$ BEGIN RAISE EXCEPTION 'otledger 0110 cannot be reverted: restore from a backup'; END $$;
