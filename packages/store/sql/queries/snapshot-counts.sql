-- The summary's counts over several snapshots (captures) of one deployment: a host, a socket or
-- a client seen in several snapshots counts once. Hosts are told apart by name, sockets by their
-- host's name, protocol, both endpoints and pid (the parts of a socket key). One capture needs
-- none of this: its plain counts are the same.
WITH socket_keys AS (
  SELECT s.id AS id, s.role AS role, h.name AS host, s.protocol AS protocol, s.local_addr AS la, s.local_port AS lp, s.remote_addr AS ra, s.remote_port AS rp, s.pid AS pid
  FROM sockets s CROSS JOIN hosts h ON h.id = s.host_id
),
distinct_roles AS (
  SELECT DISTINCT role, host, protocol, la, lp, ra, rp, pid FROM socket_keys
)
SELECT
  (SELECT COUNT(DISTINCT name) FROM hosts) AS hosts,
  (SELECT COUNT(DISTINCT name) FROM hosts WHERE has_sockets = 0) AS hostsWithoutSockets,
  (SELECT COUNT(*) FROM (SELECT DISTINCT host, protocol, la, lp, ra, rp, pid FROM socket_keys)) AS sockets,
  (SELECT COUNT(*) FROM distinct_roles WHERE role = 'listener') AS listeners,
  (SELECT COUNT(*) FROM distinct_roles WHERE role = 'server') AS serverSide,
  (SELECT COUNT(*) FROM distinct_roles WHERE role = 'client') AS clientSide,
  (SELECT json_group_object(method, n) FROM (
    SELECT method, COUNT(*) AS n FROM (SELECT DISTINCT m.method, k.host, k.protocol, k.la, k.lp, k.ra, k.rp, k.pid FROM matches m CROSS JOIN socket_keys k ON k.id = m.client_id) GROUP BY method
  )) AS matched,
  (SELECT json_group_object(reason, n) FROM (
    SELECT reason, COUNT(*) AS n FROM (SELECT DISTINCT u.reason, k.host, k.protocol, k.la, k.lp, k.ra, k.rp, k.pid FROM unmatched u CROSS JOIN socket_keys k ON k.id = u.client_id) GROUP BY reason
  )) AS unmatched,
  (SELECT COUNT(*) FROM (SELECT DISTINCT k.host, k.protocol, k.la, k.lp, k.ra, k.rp, k.pid FROM (SELECT DISTINCT client_id FROM ambiguity_candidates) a CROSS JOIN socket_keys k ON k.id = a.client_id)) AS ambiguities;
