-- Hosts owning an address (for one end of a flow with no socket at it); :addr is a text id.
SELECT DISTINCT a.host_id AS hostId, h.name AS hostName, h.node_id AS hostNodeId
FROM address_rows a JOIN hosts h ON h.id = a.host_id
WHERE a.capture_id = :capture AND a.address = :addr
ORDER BY h.name, h.node_id;
