-- Listeners serving a loopback (protocol, addr, port): on the capturing host when known, else on
-- any host (flow matching then keeps the peer's host). :protocol and :addr are text ids, :loop 1.
SELECT l.id AS socketId, l.host_id AS hostId, h.name AS hostName, h.node_id AS hostNodeId, l.pid
FROM socket_rows l JOIN hosts h ON h.id = l.host_id
WHERE l.capture_id = :capture AND l.protocol = :protocol AND l.local_port = :port AND l.role = {{role listener}}
  AND (:host IS NULL OR l.host_id = :host)
  AND {{serves l :}}
ORDER BY h.name, h.node_id, (SELECT text FROM texts WHERE id = l.local_addr), l.pid;
