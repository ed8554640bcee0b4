-- fm's analysis database. One row per capture (a dump file, or one snapshot of an fm capture);
-- everything else is per capture. Matching results are written back so the database can be
-- queried afterwards (`fm analyze --db FILE`).

CREATE TABLE captures (
  id           INTEGER PRIMARY KEY,
  source       TEXT NOT NULL,            -- file or folder the capture was read from
  format       TEXT NOT NULL,            -- 'skydive-json' | 'fm-capture'
  label        TEXT,                     -- snapshot label inside an fm capture
  time_context TEXT,                     -- Gremlin Context(...) the capture was taken with
  started_at   TEXT,
  ended_at     TEXT,
  manifest     TEXT                      -- the capture manifest as JSON, when there is one
);

CREATE TABLE hosts (
  id          INTEGER PRIMARY KEY,
  capture_id  INTEGER NOT NULL REFERENCES captures(id),
  node_id     TEXT NOT NULL,             -- Skydive node ID
  name        TEXT NOT NULL,             -- the node's Host field (agent name)
  hostname    TEXT,                      -- Metadata.Hostname or Metadata.Name
  has_sockets INTEGER NOT NULL DEFAULT 0 -- 1 when the node carried Metadata.Sockets
);

-- Interface and netns nodes as found in the dump; `addresses` is derived from them.
CREATE TABLE graph_nodes (
  capture_id INTEGER NOT NULL,
  node_id    TEXT NOT NULL,
  kind       TEXT NOT NULL,              -- 'interface' | 'netns'
  agent      TEXT NOT NULL,              -- the node's Host field
  name       TEXT NOT NULL,
  type       TEXT NOT NULL
);

CREATE TABLE node_addresses (
  capture_id INTEGER NOT NULL,
  node_id    TEXT NOT NULL,
  address    TEXT NOT NULL,              -- canonical address
  prefix     INTEGER
);

CREATE TABLE ownership (
  capture_id INTEGER NOT NULL,
  parent     TEXT NOT NULL,
  child      TEXT NOT NULL
);

-- Which host owns which address, through which interface and netns.
CREATE TABLE addresses (
  capture_id INTEGER NOT NULL,
  host_id    INTEGER NOT NULL REFERENCES hosts(id),
  address    TEXT NOT NULL,
  prefix     INTEGER,
  interface  TEXT NOT NULL,
  netns      TEXT,                       -- null for the host's own namespace
  via        TEXT NOT NULL               -- 'host' | 'netns' | 'agent' (no ownership edge; matched by Host field)
);

CREATE TABLE sockets (
  id           INTEGER PRIMARY KEY,
  capture_id   INTEGER NOT NULL,
  host_id      INTEGER NOT NULL REFERENCES hosts(id),
  protocol     TEXT NOT NULL,
  local_addr   TEXT NOT NULL,
  local_port   INTEGER NOT NULL,
  remote_addr  TEXT NOT NULL,
  remote_port  INTEGER NOT NULL,
  state        TEXT NOT NULL,
  process      TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  name         TEXT NOT NULL,
  local_family  INTEGER NOT NULL,        -- 4, 6, or 0 for no IP
  local_loop    INTEGER NOT NULL,        -- local address is loopback
  remote_family INTEGER NOT NULL,
  remote_loop   INTEGER NOT NULL,
  remote_ll     INTEGER NOT NULL,        -- remote address is link-local
  role          TEXT                     -- 'listener' | 'server' | 'client' | 'none', set by classification
);

-- One row per client socket tied to a server: the proof behind every matrix entry.
CREATE TABLE matches (
  client_id    INTEGER PRIMARY KEY REFERENCES sockets(id),
  server_id    INTEGER NOT NULL REFERENCES sockets(id),
  method       TEXT NOT NULL,            -- 'socket' | 'listener' | 'flow'
  candidates   INTEGER NOT NULL,         -- how many server sockets could have been the one
  resolved_by  TEXT                      -- how the pick was made when candidates > 1
);

CREATE TABLE unmatched (
  client_id INTEGER PRIMARY KEY REFERENCES sockets(id),
  reason    TEXT NOT NULL                -- 'external' | 'no-listener' | 'host-without-sockets'
);

CREATE TABLE ambiguity_candidates (
  client_id INTEGER NOT NULL REFERENCES sockets(id),
  server_id INTEGER NOT NULL REFERENCES sockets(id)
);
