-- Listeners serving (protocol, addr, port) on a host owning addr (DESIGN rule 1), found from the
-- owners (addresses_addr, then sockets_listen), not by scanning every socket on the port.
SELECT l.id AS socketId, l.host_id AS hostId, h.name AS hostName, h.node_id AS hostNodeId, l.pid
FROM (SELECT DISTINCT host_id FROM addresses WHERE capture_id = :capture AND address = :addr) a
CROSS JOIN sockets l ON l.host_id = a.host_id AND l.protocol = :protocol AND l.local_port = :port
JOIN hosts h ON h.id = l.host_id
WHERE l.role = 'listener'
  AND (l.local_addr = :addr OR l.local_addr = '::' OR (l.local_addr = '0.0.0.0' AND :family = 4))
ORDER BY h.name, h.node_id, l.local_addr, l.pid;
