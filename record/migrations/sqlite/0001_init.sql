-- The first schema. Times are Unix milliseconds, UTC.

-- One row per recorded scan, passed or rejected.
CREATE TABLE scans (
	id           INTEGER PRIMARY KEY,
	at           INTEGER NOT NULL,
	station      TEXT NOT NULL,
	line         TEXT NOT NULL,
	source       TEXT NOT NULL,
	serial       TEXT NOT NULL,
	model        TEXT NOT NULL,
	asin         TEXT NOT NULL,
	order_id     TEXT NOT NULL,
	ok           INTEGER NOT NULL CHECK (ok IN (0, 1)),
	reason       TEXT NOT NULL,
	message      TEXT NOT NULL,
	duplicate_of INTEGER REFERENCES scans (id)
);
CREATE INDEX scans_at ON scans (at);
-- History: pages of a station or a line (by id), and their time windows.
CREATE INDEX scans_station ON scans (station, id);
CREATE INDEX scans_station_at ON scans (station, at);
CREATE INDEX scans_line ON scans (line, id);
CREATE INDEX scans_line_at ON scans (line, at);
-- The rescan window looks for the latest scan of a serial on a station.
CREATE INDEX scans_serial ON scans (model, serial, station, at);

-- The first pass of each serial: its key is what lets exactly one pass win.
CREATE TABLE claims (
	model     TEXT NOT NULL,
	serial    TEXT NOT NULL,
	record_id INTEGER NOT NULL REFERENCES scans (id),
	station   TEXT NOT NULL,
	at        INTEGER NOT NULL,
	PRIMARY KEY (model, serial)
) WITHOUT ROWID;

-- The outbox: events written with the scan that caused them.
CREATE TABLE events (
	seq          INTEGER PRIMARY KEY,
	id           TEXT NOT NULL UNIQUE,
	type         TEXT NOT NULL,
	version      TEXT NOT NULL,
	manufacturer TEXT NOT NULL,
	at           INTEGER NOT NULL,
	body         BLOB NOT NULL,
	record_id    INTEGER NOT NULL REFERENCES scans (id)
);
CREATE INDEX events_record ON events (record_id);

-- The sinks events go to, with their delivery health.
CREATE TABLE sinks (
	name          TEXT PRIMARY KEY,
	sent          INTEGER NOT NULL DEFAULT 0,
	last_success  INTEGER,
	last_error    TEXT NOT NULL DEFAULT '',
	last_error_at INTEGER
);
-- A sink with no rows here takes every manufacturer's events.
CREATE TABLE sink_manufacturers (
	sink         TEXT NOT NULL REFERENCES sinks (name) ON DELETE CASCADE,
	manufacturer TEXT NOT NULL,
	PRIMARY KEY (sink, manufacturer)
) WITHOUT ROWID;

-- One row per event and sink. sink is not a foreign key: deliveries
-- outlive a sink taken out of the configuration.
CREATE TABLE deliveries (
	event_seq     INTEGER NOT NULL REFERENCES events (seq),
	sink          TEXT NOT NULL,
	state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
	attempts      INTEGER NOT NULL DEFAULT 0,
	last_error    TEXT NOT NULL DEFAULT '',
	last_error_at INTEGER,
	next_at       INTEGER,
	lease_until   INTEGER,
	sent_at       INTEGER,
	PRIMARY KEY (event_seq, sink)
);
CREATE INDEX deliveries_open ON deliveries (sink, event_seq) WHERE state <> 'sent';
