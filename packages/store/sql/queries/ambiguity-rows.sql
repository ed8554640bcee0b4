SELECT m.client_id AS clientId, m.resolved_by AS resolvedBy, m.server_id AS chosenId, ac.server_id AS candidateId
FROM matches m JOIN ambiguity_candidates ac ON ac.client_id = m.client_id
ORDER BY m.client_id;
