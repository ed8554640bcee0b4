-- Forgets what an earlier flow matching of this capture found (an fm database analysed again).
DELETE FROM flow_results WHERE flow_id IN (SELECT id FROM flows WHERE capture_id = :capture);
DELETE FROM flow_connections WHERE capture_id = :capture;
