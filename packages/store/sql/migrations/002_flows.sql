-- Flows (`G.Flows()` responses) and what flow matching made of them (DESIGN rule 5).
-- Everything is per capture, like sockets.

-- Which graph node carries which TID: a flow names the node it was captured on by its NodeTID.
CREATE TABLE node_tids (
  capture_id INTEGER NOT NULL,
  node_id    TEXT NOT NULL,
  tid        TEXT NOT NULL
);

CREATE TABLE flows (
  id          INTEGER PRIMARY KEY,
  capture_id  INTEGER NOT NULL,
  uuid        TEXT NOT NULL,
  protocol    TEXT NOT NULL,             -- Transport.Protocol, upper-case
  a_addr      TEXT NOT NULL,             -- Network.A, canonical
  a_port      INTEGER NOT NULL,          -- Transport.A
  b_addr      TEXT NOT NULL,
  b_port      INTEGER NOT NULL,
  ab_bytes    INTEGER NOT NULL,          -- Metric.ABBytes (A to B)
  ba_bytes    INTEGER NOT NULL,
  ab_packets  INTEGER NOT NULL,
  ba_packets  INTEGER NOT NULL,
  start       INTEGER NOT NULL,          -- ms since the epoch, as Skydive writes them
  last        INTEGER NOT NULL,
  node_tid    TEXT,                      -- the capture point's TID
  a_family    INTEGER NOT NULL,
  a_local     INTEGER NOT NULL,          -- A is loopback or link-local: its socket lives on the capturing host
  b_family    INTEGER NOT NULL,
  b_local     INTEGER NOT NULL
);

-- One row per connection flows tell something about: traffic onto a connection sockets matched
-- (kind 'traffic'), or a connection only flows revealed (kind 'edge', method 'flow').
CREATE TABLE flow_connections (
  id                INTEGER PRIMARY KEY,
  capture_id        INTEGER NOT NULL,
  kind              TEXT NOT NULL,       -- 'traffic' | 'edge'
  method            TEXT NOT NULL,       -- 'socket' | 'listener' (kind traffic) | 'flow'
  protocol          TEXT NOT NULL,
  client_id         INTEGER REFERENCES socket_rows(id),  -- null: no client socket was captured
  client_host_id    INTEGER NOT NULL REFERENCES hosts(id),
  client_addr       TEXT NOT NULL,
  client_port       INTEGER NOT NULL,
  server_id         INTEGER REFERENCES socket_rows(id),  -- server-side socket or listener; null: none captured
  server_host_id    INTEGER NOT NULL REFERENCES hosts(id),
  server_addr       TEXT NOT NULL,
  server_port       INTEGER NOT NULL,
  flows             INTEGER NOT NULL,    -- flows counted (those of the capture point that saw the most bytes)
  bytes_to_server   INTEGER NOT NULL,
  bytes_to_client   INTEGER NOT NULL,
  packets_to_server INTEGER NOT NULL,
  packets_to_client INTEGER NOT NULL,
  first_seen        INTEGER NOT NULL,
  last_seen         INTEGER NOT NULL
);

-- What became of every flow: its connection, or why it added nothing.
CREATE TABLE flow_results (
  flow_id       INTEGER PRIMARY KEY REFERENCES flows(id),
  connection_id INTEGER REFERENCES flow_connections(id),
  reason        TEXT                     -- 'external' | 'no-listener' | 'not-counted' when connection_id is null
);
