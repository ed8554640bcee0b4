-- Captures that held only flow data, to merge away below.
CREATE TEMP TABLE IF NOT EXISTS flow_only_captures (id INTEGER PRIMARY KEY);
DELETE FROM temp.flow_only_captures;

-- A raw `G.Flows()...Sockets()` map is keyed by flow UUID, and the loader took its keys for host
-- node IDs: drop those placeholder hosts (never described by a host node) and their sockets.
-- Their sockets are copies of host sockets the graph dump already holds.
INSERT OR IGNORE INTO temp.flow_only_captures
SELECT DISTINCT capture_id FROM hosts WHERE hostname IS NULL AND name = node_id AND node_id IN (SELECT uuid FROM flows);
DELETE FROM socket_rows WHERE host_id IN (
  SELECT h.id FROM hosts h WHERE h.hostname IS NULL AND h.name = h.node_id AND h.node_id IN (SELECT uuid FROM flows));
DELETE FROM hosts WHERE hostname IS NULL AND name = node_id AND node_id IN (SELECT uuid FROM flows);

-- A dump holding only flows (a raw `G.Flows()` response) belongs with the graph dump given
-- before it (else after it): both came from one analyzer at one time.
INSERT OR IGNORE INTO temp.flow_only_captures
SELECT DISTINCT f.capture_id FROM flows f WHERE NOT EXISTS (SELECT 1 FROM hosts h WHERE h.capture_id = f.capture_id);

UPDATE flows SET capture_id = COALESCE(
    (SELECT MAX(c.id) FROM captures c WHERE c.id < flows.capture_id AND EXISTS (SELECT 1 FROM hosts h WHERE h.capture_id = c.id)),
    (SELECT MIN(c.id) FROM captures c WHERE c.id > flows.capture_id AND EXISTS (SELECT 1 FROM hosts h WHERE h.capture_id = c.id)),
    flows.capture_id)
WHERE capture_id IN (SELECT id FROM temp.flow_only_captures);

DELETE FROM captures WHERE id IN (SELECT id FROM temp.flow_only_captures)
  AND NOT EXISTS (SELECT 1 FROM hosts h WHERE h.capture_id = captures.id)
  AND NOT EXISTS (SELECT 1 FROM flows f WHERE f.capture_id = captures.id);
