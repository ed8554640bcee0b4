-- fm's analysis database. One row per capture (a dump file, or one snapshot of an fm capture);
-- everything else is per capture. Matching results are written back so the database can be
-- queried afterwards (`fm analyze --db FILE`).

-- Every text of the dump fm compares (addresses, protocols, states, processes, names, namespaces,
-- node ids) once, interned as the reading thread hands it over: the socket and address tables
-- hold these integer ids, so loading, indexing and the mirror-tuple join move and compare
-- integers. The first ids are fixed (the matching rules name them): the store adds them
-- (FIXED_TEXTS of src/rules.ts).
CREATE TABLE texts (
  id   INTEGER PRIMARY KEY,
  text TEXT NOT NULL UNIQUE
);

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
  address    INTEGER NOT NULL,           -- texts.id of the canonical address
  prefix     INTEGER
);

CREATE TABLE ownership (
  capture_id INTEGER NOT NULL,
  parent     TEXT NOT NULL,
  child      TEXT NOT NULL
);

-- Which host owns which address, through which interface and netns (address and netns: text ids;
-- the view `addresses` below reads them as text).
CREATE TABLE address_rows (
  capture_id INTEGER NOT NULL,
  host_id    INTEGER NOT NULL REFERENCES hosts(id),
  address    INTEGER NOT NULL,           -- texts.id of the canonical address
  prefix     INTEGER,
  interface  TEXT NOT NULL,
  netns      INTEGER,                    -- texts.id of the netns node's name; null for the host's own namespace
  via        TEXT NOT NULL               -- 'host' | 'netns' | 'agent' (no ownership edge; matched by Host field)
);

CREATE VIEW addresses AS
SELECT capture_id, host_id, (SELECT text FROM texts WHERE id = a.address) AS address, prefix, interface,
  (SELECT text FROM texts WHERE id = a.netns) AS netns, via
FROM address_rows a;

-- One row per socket, keyed by integers: texts are texts.id, the address classes and the role
-- are computed as the socket is read (DESIGN rules 1 and 2; src/rules.ts names each code).
-- The view `sockets` below reads it with texts.
CREATE TABLE socket_rows (
  id            INTEGER PRIMARY KEY,
  capture_id    INTEGER NOT NULL,
  host_id       INTEGER NOT NULL REFERENCES hosts(id),
  protocol      INTEGER NOT NULL,
  local_addr    INTEGER NOT NULL,
  local_port    INTEGER NOT NULL,
  remote_addr   INTEGER NOT NULL,
  remote_port   INTEGER NOT NULL,
  state         INTEGER NOT NULL,
  process       INTEGER NOT NULL,
  pid           INTEGER NOT NULL,
  name          INTEGER NOT NULL,
  netns         INTEGER NOT NULL,        -- the socket's network namespace when the capture knows it (fm's collector); 0 ('') when not
  local_family  INTEGER NOT NULL,        -- 4, 6, or 0 for no IP
  local_loop    INTEGER NOT NULL,        -- local address is loopback
  local_any     INTEGER NOT NULL,        -- local address is a wildcard: 4 for 0.0.0.0, 6 for ::, else 0
  remote_family INTEGER NOT NULL,
  remote_loop   INTEGER NOT NULL,
  remote_ll     INTEGER NOT NULL,        -- remote address is link-local
  remote_none   INTEGER NOT NULL,        -- remote address is no address (0.0.0.0, ::, '' or *)
  role          INTEGER                  -- 0 listener, 1 server, 2 client, 3 none; null until classified
);

-- The socket table as text, with the columns the README documents (SQL examples use this).
CREATE VIEW sockets AS
SELECT id, capture_id, host_id,
  (SELECT text FROM texts WHERE id = s.protocol) AS protocol,
  (SELECT text FROM texts WHERE id = s.local_addr) AS local_addr, local_port,
  (SELECT text FROM texts WHERE id = s.remote_addr) AS remote_addr, remote_port,
  (SELECT text FROM texts WHERE id = s.state) AS state,
  (SELECT text FROM texts WHERE id = s.process) AS process, pid,
  (SELECT text FROM texts WHERE id = s.name) AS name,
  local_family, local_loop, remote_family, remote_loop, remote_ll,
  CASE role WHEN 0 THEN 'listener' WHEN 1 THEN 'server' WHEN 2 THEN 'client' WHEN 3 THEN 'none' END AS role,
  (SELECT text FROM texts WHERE id = s.netns) AS netns
FROM socket_rows s;

-- One row per client socket tied to a server: the proof behind every matrix entry.
CREATE TABLE matches (
  client_id    INTEGER PRIMARY KEY REFERENCES socket_rows(id),
  server_id    INTEGER NOT NULL REFERENCES socket_rows(id),
  method       TEXT NOT NULL,            -- 'socket' | 'listener' | 'flow'
  candidates   INTEGER NOT NULL,         -- how many server sockets could have been the one
  resolved_by  TEXT                      -- how the pick was made when candidates > 1
);

CREATE TABLE unmatched (
  client_id INTEGER PRIMARY KEY REFERENCES socket_rows(id),
  reason    TEXT NOT NULL                -- 'external' | 'no-listener' | 'host-without-sockets'
);

CREATE TABLE ambiguity_candidates (
  client_id INTEGER NOT NULL REFERENCES socket_rows(id),
  server_id INTEGER NOT NULL REFERENCES socket_rows(id)
);
