-- Up Migration
-- Indexes for the partner API's record queries (server/api/records-query.ts), chosen from EXPLAIN ANALYZE over
-- ~1M records (bench/query.bench.ts prints the plans). Device and site filters apply to envelopes; records come
-- by envelope (records_envelope) in log order.
--  - device/site filters: walk the device's envelopes by first_index instead of bitmap-scanning all its records;
--  - tag or event type, with a device and/or a time window: one index (PostgreSQL 18 skip-scans the device
--    column for a window alone), so only matching rows are fetched (a one-day window was a parallel sequential
--    scan, then a 40k-row filter on an event-type index; device + tag a 51k-row bitmap on records_pkey);
--  - a bare time window: ts.
CREATE INDEX api_envelopes_device_first_index ON envelopes (device, first_index);
-- v2: time filters are on a record's span [from_ts, to_ts]; tag = stream name of readings and series.
CREATE INDEX api_records_from_ts ON records (from_ts);
CREATE INDEX api_records_tag ON records (stream_name, device, from_ts) WHERE kind IN ('reading', 'series');
CREATE INDEX api_records_event_type ON records (event_type, device, from_ts) WHERE kind = 'event';
CREATE INDEX api_records_asset ON records (asset, device, from_ts) WHERE kind = 'event';

-- Down Migration
DROP INDEX api_records_asset, api_records_event_type, api_records_tag, api_records_from_ts, api_envelopes_device_first_index;
