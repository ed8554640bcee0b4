-- What flow matching decided for each flow of the capture being matched, before its flows are
-- folded into connections (one per `key`: a client socket, or a 5-tuple and hosts), read back
-- ordered by key a page at a time: memory holds one page, whatever the number of flows.
CREATE TEMP TABLE IF NOT EXISTS flow_decisions (
  seq INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  connection TEXT NOT NULL,            -- the connection's fields (JSON), the same for every flow of a key
  flow_id INTEGER NOT NULL,
  tid TEXT,
  bytes_to_server INTEGER NOT NULL,
  bytes_to_client INTEGER NOT NULL,
  packets_to_server INTEGER NOT NULL,
  packets_to_client INTEGER NOT NULL,
  start INTEGER NOT NULL,
  last INTEGER NOT NULL
);
DELETE FROM temp.flow_decisions;
CREATE INDEX IF NOT EXISTS temp.flow_decisions_key ON flow_decisions (key, seq);
