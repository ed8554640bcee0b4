-- A page of the flows of a capture (ids after :after), each with the host it was captured on: the host whose node carries the
-- flow's NodeTID, else the host whose agent reported the interface or netns node carrying it.
SELECT f.id, f.protocol, f.a_addr AS aAddr, f.a_port AS aPort, f.b_addr AS bAddr, f.b_port AS bPort,
  f.ab_bytes AS abBytes, f.ba_bytes AS baBytes, f.ab_packets AS abPackets, f.ba_packets AS baPackets,
  f.start, f.last, f.node_tid AS nodeTid, f.a_family AS aFamily, f.a_local AS aLocal, f.b_family AS bFamily, f.b_local AS bLocal,
  COALESCE(
    (SELECT MIN(h.id) FROM node_tids t JOIN hosts h ON h.capture_id = t.capture_id AND h.node_id = t.node_id
     WHERE t.capture_id = f.capture_id AND t.tid = f.node_tid),
    (SELECT MIN(h.id) FROM node_tids t JOIN graph_nodes g ON g.capture_id = t.capture_id AND g.node_id = t.node_id
       JOIN hosts h ON h.capture_id = g.capture_id AND h.name = g.agent
     WHERE t.capture_id = f.capture_id AND t.tid = f.node_tid)) AS observerHostId
FROM flows f
WHERE f.capture_id = :capture AND f.id > :after
ORDER BY f.id
LIMIT :limit;
