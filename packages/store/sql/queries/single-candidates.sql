-- A client with one candidate server has nothing to pick: it is matched here, in one statement,
-- and only clients with several candidates go through the pick (DESIGN rule 3, @fm/match).
INSERT INTO matches (client_id, server_id, method, candidates, resolved_by)
SELECT client_id, server_id, method, 1, NULL
FROM temp.candidates
GROUP BY client_id
HAVING COUNT(*) = 1;
