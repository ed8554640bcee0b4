-- Candidates of the clients still to match (those with several: single-candidates.sql matched
-- the rest), grouped by client, with what the pick needs to be independent of input order;
-- read a page at a time (clients after :after), so matches can be written between pages.
SELECT x.client_id AS clientId, x.server_id AS serverId, x.method AS method, x.owner AS owner,
  (s.host_id = c.host_id) AS sameHost,
  hs.name AS hostName, hs.node_id AS hostNodeId,
  s.protocol, s.local_addr AS localAddress, s.local_port AS localPort,
  s.remote_addr AS remoteAddress, s.remote_port AS remotePort, s.pid, s.process
FROM temp.candidates x
JOIN sockets c ON c.id = x.client_id
JOIN sockets s ON s.id = x.server_id
JOIN hosts hs ON hs.id = s.host_id
WHERE x.client_id > :after
  AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.client_id = x.client_id)
ORDER BY x.client_id
LIMIT :limit;
