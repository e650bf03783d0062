-- Up Migration
-- Partner grants gain a stream dimension (issue 12): an exact stream name (a tag, `@events/<asset>`, `@events`)
-- or a prefix pattern ending in `*` (`P-101.*`, `@events/*`), matched against records.stream_name. NULL = any.
-- A lone `*` is refused: it would say "any stream", which is what NULL says. (U+0000 cannot be stored in text.)
ALTER TABLE api_grants ADD COLUMN stream text
  CHECK (stream IS NULL OR (length(stream) BETWEEN 1 AND 257 AND stream <> '*'));

-- Down Migration
ALTER TABLE api_grants DROP COLUMN stream;
