-- The first schema. Times are timestamptz with millisecond precision.

-- One row per recorded scan, passed or rejected.
CREATE TABLE scans (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at           timestamptz NOT NULL,
	station      text NOT NULL,
	line         text NOT NULL,
	source       text NOT NULL,
	serial       text NOT NULL,
	model        text NOT NULL,
	asin         text NOT NULL,
	order_id     text NOT NULL,
	ok           boolean NOT NULL,
	reason       text NOT NULL,
	message      text NOT NULL,
	duplicate_of bigint REFERENCES scans (id)
);
CREATE INDEX scans_at ON scans (at);
-- History: pages of a station or a line (by id), and their time windows.
CREATE INDEX scans_station ON scans (station, id);
CREATE INDEX scans_station_at ON scans (station, at);
CREATE INDEX scans_line ON scans (line, id);
CREATE INDEX scans_line_at ON scans (line, at);
-- The rescan window looks for the latest scan of a serial on a station.
CREATE INDEX scans_serial ON scans (model, serial, station, at);

-- The first pass of each serial: its key is what lets exactly one pass
-- win, across every station sharing the database.
CREATE TABLE claims (
	model     text NOT NULL,
	serial    text NOT NULL,
	record_id bigint NOT NULL REFERENCES scans (id),
	station   text NOT NULL,
	at        timestamptz NOT NULL,
	PRIMARY KEY (model, serial)
);

-- The outbox: events written with the scan that caused them.
CREATE TABLE events (
	seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id           text NOT NULL UNIQUE,
	type         text NOT NULL,
	version      text NOT NULL,
	manufacturer text NOT NULL,
	at           timestamptz NOT NULL,
	body         bytea NOT NULL,
	record_id    bigint NOT NULL REFERENCES scans (id)
);
CREATE INDEX events_record ON events (record_id);

-- The sinks events go to, with their delivery health.
CREATE TABLE sinks (
	name          text PRIMARY KEY,
	sent          bigint NOT NULL DEFAULT 0,
	last_success  timestamptz,
	last_error    text NOT NULL DEFAULT '',
	last_error_at timestamptz
);
-- A sink with no rows here takes every manufacturer's events.
CREATE TABLE sink_manufacturers (
	sink         text NOT NULL REFERENCES sinks (name) ON DELETE CASCADE,
	manufacturer text NOT NULL,
	PRIMARY KEY (sink, manufacturer)
);

-- One row per event and sink. sink is not a foreign key: deliveries
-- outlive a sink taken out of the configuration.
CREATE TABLE deliveries (
	event_seq     bigint NOT NULL REFERENCES events (seq),
	sink          text NOT NULL,
	state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
	attempts      integer NOT NULL DEFAULT 0,
	last_error    text NOT NULL DEFAULT '',
	last_error_at timestamptz,
	next_at       timestamptz,
	lease_until   timestamptz,
	sent_at       timestamptz,
	PRIMARY KEY (event_seq, sink)
);
CREATE INDEX deliveries_open ON deliveries (sink, event_seq) WHERE state <> 'sent';
