-- DESIGN rules 1 and 2, for hosts whose sockets came in several records (the reading thread
-- classified the others with @fm/match's classifySockets, the same rules).
UPDATE socket_rows SET role = {{role listener}}
WHERE capture_id = :capture AND role IS NULL AND {{listener socket_rows}};

-- A socket whose local endpoint a listener on the same host serves is the server side of a
-- connection; any other socket with a remote endpoint is a client candidate. No global port set.
-- A listener serves its own network namespace only (netns is 0, '', for all of a Skydive host).
UPDATE socket_rows SET role = CASE
    WHEN EXISTS (
      SELECT 1 FROM socket_rows l
      WHERE l.host_id = socket_rows.host_id AND l.protocol = socket_rows.protocol AND l.local_port = socket_rows.local_port
        AND l.role = {{role listener}} AND l.netns = socket_rows.netns AND {{serves l socket_rows.local}})
      THEN {{role server}}
    WHEN {{has-remote socket_rows}} THEN {{role client}}
    ELSE {{role none}}
  END
WHERE capture_id = :capture AND role IS NULL;
