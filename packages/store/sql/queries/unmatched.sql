-- DESIGN rule 6: every considered client socket without a candidate, with the reason.
INSERT INTO unmatched (client_id, reason)
SELECT c.id,
  CASE
    WHEN c.remote_loop = 0 AND NOT EXISTS (
      SELECT 1 FROM address_rows a WHERE a.capture_id = c.capture_id AND a.address = c.remote_addr
        AND (c.remote_ll = 0 OR a.host_id = c.host_id)) THEN 'external'
    WHEN c.remote_loop = 0 AND NOT EXISTS (
      SELECT 1 FROM address_rows a JOIN hosts h ON h.id = a.host_id
      WHERE a.capture_id = c.capture_id AND a.address = c.remote_addr AND h.has_sockets = 1
        AND (c.remote_ll = 0 OR a.host_id = c.host_id)) THEN 'host-without-sockets'
    ELSE 'no-listener'
  END
FROM socket_rows c
WHERE c.capture_id = :capture AND c.role = {{role client}}
  AND (:anyState = 1 OR c.state IN (SELECT t.id FROM json_each(:states) j JOIN texts t ON t.text = j.value))
  AND NOT EXISTS (SELECT 1 FROM temp.candidates x WHERE x.client_id = c.id);
