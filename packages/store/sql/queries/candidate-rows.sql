-- Candidates of the clients still to match (those with several: single-candidates.sql matched
-- the rest), grouped by client, with what the pick looks at first (DESIGN rule 3: owner of the
-- address, same host as the client, then the host's name and node): no socket row is read.
-- Read a page at a time (clients after :after), so matches can be written between pages.
SELECT x.client_id AS clientId, x.server_id AS serverId, x.method AS method, x.owner AS owner,
  x.same_host AS sameHost, hs.name AS hostName, hs.node_id AS hostNodeId
FROM temp.candidates x
JOIN hosts hs ON hs.id = x.server_host
WHERE x.client_id > :after
  AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.client_id = x.client_id)
ORDER BY x.client_id
LIMIT :limit;
