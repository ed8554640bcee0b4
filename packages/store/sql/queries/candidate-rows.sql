-- Candidates of the clients still to match (those with several: single-candidates.sql matched
-- the rest), grouped by client, with what the pick looks at (DESIGN rule 3): owner of the
-- address, same host as the client, the host's name and node, and, only for candidates that tie
-- on all of these (two sockets of one host, such as 0.0.0.0:53 and [::]:53 listeners), the
-- socket key: other candidates need no socket row read.
-- Read a page at a time (clients after :after), so matches can be written between pages.
SELECT x.client_id AS clientId, x.server_id AS serverId, x.method AS method, x.owner AS owner,
  x.same_host AS sameHost, hs.name AS hostName, hs.node_id AS hostNodeId,
  CASE WHEN EXISTS (
    SELECT 1 FROM temp.candidates y
    WHERE y.client_id = x.client_id AND y.server_host = x.server_host AND y.owner = x.owner AND y.server_id <> x.server_id)
  THEN (SELECT fm_socket_key(hs.name, s.protocol, s.local_addr, s.local_port, s.remote_addr, s.remote_port, s.pid) FROM sockets s WHERE s.id = x.server_id)
  END AS key
FROM temp.candidates x
JOIN hosts hs ON hs.id = x.server_host
WHERE x.client_id > :after
  AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.client_id = x.client_id)
ORDER BY x.client_id
LIMIT :limit;
