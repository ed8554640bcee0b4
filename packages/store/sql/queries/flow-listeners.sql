-- Listeners serving (protocol, addr, port) on a host owning addr (DESIGN rule 1), found from the
-- owners (addresses_addr, then sockets_listen), not by scanning every socket on the port.
-- :protocol and :addr are text ids; :loop is 0 (owned addresses are never loopback).
SELECT l.id AS socketId, l.host_id AS hostId, h.name AS hostName, h.node_id AS hostNodeId, l.pid
FROM (SELECT DISTINCT host_id FROM address_rows WHERE capture_id = :capture AND address = :addr) a
CROSS JOIN socket_rows l ON l.host_id = a.host_id AND l.protocol = :protocol AND l.local_port = :port
JOIN hosts h ON h.id = l.host_id
WHERE l.role = {{role listener}} AND {{serves l :}}
ORDER BY h.name, h.node_id, (SELECT text FROM texts WHERE id = l.local_addr), l.pid;
