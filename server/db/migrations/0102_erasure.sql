-- Up Migration
-- Erasure (issue 12, PROTOCOL §4.4): the one privileged path that may clear a record's openings.
-- The ledger stays append-only: records_append_only is replaced by a guard that still refuses every UPDATE and
-- DELETE, except an UPDATE of the one row named by the transaction-local setting otledger.erase_target that only
-- nulls openings (salt, body, personal, personal_salt) and changes nothing else. Only otledger_erase sets it, and
-- only after checking that an erasure record for that row and scope is in the log, later than the row. The erasure
-- record itself is the durable account of what was cleared, by whom and why (it is anchored like any record).
-- otledger_app gets EXECUTE on the function and still no UPDATE on records: it cannot clear a body by itself.

CREATE FUNCTION otledger_records_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE openings text[] := ARRAY['salt', 'body', 'personal', 'personal_salt'];
BEGIN
  IF TG_OP = 'UPDATE'
     AND current_setting('otledger.erase_target', true) = encode(OLD.hash, 'hex')
     AND (to_jsonb(NEW) - openings) = (to_jsonb(OLD) - openings)
     AND (NEW.salt IS NULL OR NEW.salt = OLD.salt)
     AND (NEW.body IS NULL OR NEW.body = OLD.body)
     AND (NEW.personal IS NULL OR NEW.personal = OLD.personal)
     AND (NEW.personal_salt IS NULL OR NEW.personal_salt = OLD.personal_salt) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'otledger: % on append-only table % is refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

DROP TRIGGER records_append_only ON records;
CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON records FOR EACH ROW EXECUTE FUNCTION otledger_records_guard();

-- Clears the openings of `target_hash` that `erasure_hash`'s record (kind erasure, scope `scope`) erases:
-- scope body: salt, body and the personal opening; scope personal (events only): the personal opening.
-- Returns true if it cleared anything (false: already cleared, so a retry after a crash is harmless).
-- Refusals raise SQLSTATE OTL01 with the reason as the message.
CREATE FUNCTION otledger_erase(target_hash bytea, scope text, erasure_hash bytea) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  t record;
  e record;
  changed boolean;
BEGIN
  IF scope IS NULL OR scope NOT IN ('body', 'personal') THEN
    RAISE EXCEPTION 'erasure_scope_invalid: scope must be body or personal' USING ERRCODE = 'OTL01';
  END IF;
  SELECT leaf_index, hash, device, seq, kind, salt, body, personal INTO t FROM records_indexed WHERE hash = target_hash;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'record_not_found: no record has this hash' USING ERRCODE = 'OTL01';
  END IF;
  IF t.kind IN ('erasure', 'access') THEN
    RAISE EXCEPTION 'erasure_target_invalid: % records are the service''s own evidence', t.kind USING ERRCODE = 'OTL01';
  END IF;
  IF scope = 'personal' AND t.kind <> 'event' THEN
    RAISE EXCEPTION 'erasure_scope_invalid: a % record has no personal opening', t.kind USING ERRCODE = 'OTL01';
  END IF;
  -- Only a service key can have put an erasure record in the log (ingest checks LedgerAnchor's key role).
  SELECT leaf_index, kind, body INTO e FROM records_indexed WHERE hash = erasure_hash;
  IF NOT FOUND OR e.kind <> 'erasure'
     OR e.body->>'target' IS DISTINCT FROM '0x' || encode(t.hash, 'hex')
     OR e.body->>'targetDevice' IS DISTINCT FROM '0x' || encode(t.device, 'hex')
     OR (e.body->>'targetSeq')::bigint IS DISTINCT FROM t.seq
     OR e.body->>'scope' IS DISTINCT FROM scope THEN
    RAISE EXCEPTION 'erasure_record_invalid: no erasure record of this target and scope has this hash' USING ERRCODE = 'OTL01';
  END IF;
  IF e.leaf_index <= t.leaf_index THEN
    RAISE EXCEPTION 'erasure_record_invalid: the erasure record must be later in the log than its target' USING ERRCODE = 'OTL01';
  END IF;
  changed := t.personal IS NOT NULL OR (scope = 'body' AND t.body IS NOT NULL);
  IF NOT changed THEN
    RETURN false;
  END IF;
  PERFORM set_config('otledger.erase_target', encode(t.hash, 'hex'), true);
  IF scope = 'body' THEN
    UPDATE records SET salt = NULL, body = NULL, personal = NULL, personal_salt = NULL WHERE hash = t.hash;
  ELSE
    UPDATE records SET personal = NULL, personal_salt = NULL WHERE hash = t.hash;
  END IF;
  PERFORM set_config('otledger.erase_target', '', true);
  RETURN true;
END $$;

REVOKE ALL ON FUNCTION otledger_erase(bytea, text, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION otledger_erase(bytea, text, bytea) TO otledger_app;

-- The erasure records of a target (the proof route, the erasures list, recovery after a crash).
CREATE INDEX records_erasure_target ON records ((body->>'target')) WHERE kind = 'erasure';

-- Down Migration
DROP INDEX records_erasure_target;
DROP FUNCTION otledger_erase(bytea, text, bytea);
DROP TRIGGER records_append_only ON records;
CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON records FOR EACH ROW EXECUTE FUNCTION otledger_append_only();
DROP FUNCTION otledger_records_guard();
