-- Up Migration
-- Indexes for the partner API's record queries (server/api/records-query.ts), chosen from EXPLAIN ANALYZE over
-- ~1M records (bench/query.bench.ts prints the plans):
--  - device/site filters walk a device's envelopes in log order instead of bitmap-scanning all its records;
--  - a one-day ts window was a parallel sequential scan of records;
--  - tag and event-type filters get statistics and an index to intersect with the device filter.
CREATE INDEX api_envelopes_device_first_index ON envelopes (device, first_index);
CREATE INDEX api_records_ts ON records (ts);
CREATE INDEX api_records_tag ON records (((payload -> 'body') ->> 'tag')) WHERE kind = 'reading';
CREATE INDEX api_records_event_type ON records (((payload -> 'body') ->> 'type')) WHERE kind = 'event';

-- Down Migration
DROP INDEX api_records_event_type, api_records_tag, api_records_ts, api_envelopes_device_first_index;
