-- The non-listener sockets holding either end of each flow of a capture with an id from :first
-- to :last (a page of flow-rows.sql; the socket's local
-- endpoint is that end), with the server socket matching gave a client socket. CROSS JOIN keeps
-- flows as the outer loop, so each flow is one lookup in the sockets_mirror index (flows keep
-- their texts: the ends' text ids are looked up first).
SELECT f.id AS flowId, 'a' AS "end", s.id AS socketId, s.host_id AS hostId, h.name AS hostName, h.node_id AS hostNodeId,
  s.pid, CASE s.role WHEN {{role client}} THEN 'client' ELSE 'server' END AS role, (SELECT text FROM texts WHERE id = s.state) AS state,
  EXISTS (SELECT 1 FROM address_rows ad WHERE ad.capture_id = s.capture_id AND ad.address = s.local_addr AND ad.host_id = s.host_id) AS owner,
  m.server_id AS matchServerId, ms.host_id AS matchServerHostId, m.method AS matchMethod
FROM flows f
CROSS JOIN texts tp ON tp.text = f.protocol
CROSS JOIN texts tl ON tl.text = f.a_addr
CROSS JOIN texts tr ON tr.text = f.b_addr
CROSS JOIN socket_rows s ON s.capture_id = f.capture_id AND s.protocol = tp.id
  AND s.local_port = f.a_port AND s.local_addr = tl.id AND s.remote_port = f.b_port AND s.remote_addr = tr.id
JOIN hosts h ON h.id = s.host_id
LEFT JOIN matches m ON m.client_id = s.id
LEFT JOIN socket_rows ms ON ms.id = m.server_id
WHERE f.capture_id = :capture AND f.id BETWEEN :first AND :last AND s.role IN ({{role client}}, {{role server}})
UNION ALL
SELECT f.id, 'b', s.id, s.host_id, h.name, h.node_id, s.pid, CASE s.role WHEN {{role client}} THEN 'client' ELSE 'server' END AS role, (SELECT text FROM texts WHERE id = s.state) AS state,
  EXISTS (SELECT 1 FROM address_rows ad WHERE ad.capture_id = s.capture_id AND ad.address = s.local_addr AND ad.host_id = s.host_id),
  m.server_id, ms.host_id, m.method
FROM flows f
CROSS JOIN texts tp ON tp.text = f.protocol
CROSS JOIN texts tl ON tl.text = f.b_addr
CROSS JOIN texts tr ON tr.text = f.a_addr
CROSS JOIN socket_rows s ON s.capture_id = f.capture_id AND s.protocol = tp.id
  AND s.local_port = f.b_port AND s.local_addr = tl.id AND s.remote_port = f.a_port AND s.remote_addr = tr.id
JOIN hosts h ON h.id = s.host_id
LEFT JOIN matches m ON m.client_id = s.id
LEFT JOIN socket_rows ms ON ms.id = m.server_id
WHERE f.capture_id = :capture AND f.id BETWEEN :first AND :last AND s.role IN ({{role client}}, {{role server}});
