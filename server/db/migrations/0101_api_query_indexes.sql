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
CREATE INDEX api_records_ts ON records (ts);
CREATE INDEX api_records_tag ON records (((payload -> 'body') ->> 'tag'), device, ts) WHERE kind = 'reading';
CREATE INDEX api_records_event_type ON records (((payload -> 'body') ->> 'type'), device, ts) WHERE kind = 'event';

-- Down Migration
DROP INDEX api_records_event_type, api_records_tag, api_records_ts, api_envelopes_device_first_index;
