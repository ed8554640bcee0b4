-- Listeners serving (protocol, addr, port) on a host owning addr (DESIGN rule 1); for a loopback
-- address on any host (flow matching keeps the capturing host's).
SELECT l.id AS socketId, l.host_id AS hostId, h.name AS hostName, h.node_id AS hostNodeId, l.pid
FROM sockets l JOIN hosts h ON h.id = l.host_id
WHERE l.capture_id = :capture AND l.protocol = :protocol AND l.local_port = :port AND l.role = 'listener'
  AND (l.local_addr = :addr OR l.local_addr = '::' OR (l.local_addr = '0.0.0.0' AND :family = 4)
    OR (l.local_loop = 1 AND :loop = 1 AND l.local_family = :family))
  AND (:loop = 1 OR l.host_id IN (SELECT a.host_id FROM addresses a WHERE a.capture_id = :capture AND a.address = :addr))
ORDER BY h.name, h.node_id, l.local_addr, l.pid;
