-- Listeners serving a loopback (protocol, addr, port): on the capturing host when known, else on
-- any host (flow matching then keeps the peer's host).
SELECT l.id AS socketId, l.host_id AS hostId, h.name AS hostName, h.node_id AS hostNodeId, l.pid
FROM sockets l JOIN hosts h ON h.id = l.host_id
WHERE l.capture_id = :capture AND l.protocol = :protocol AND l.local_port = :port AND l.role = 'listener'
  AND (:host IS NULL OR l.host_id = :host)
  AND (l.local_addr = :addr OR l.local_addr = '::' OR (l.local_addr = '0.0.0.0' AND :family = 4) OR (l.local_loop = 1 AND l.local_family = :family))
ORDER BY h.name, h.node_id, l.local_addr, l.pid;
