-- The network namespace a socket lives in, when the capture knows it (fm's collector); ''
-- when it does not (Skydive merges every namespace's sockets onto the host node). Matching
-- keeps loopback pairs and listeners within one namespace, and ranks the server whose
-- namespace owns the address first; '' = '' keeps Skydive dumps matched exactly as before.
ALTER TABLE sockets ADD COLUMN netns TEXT NOT NULL DEFAULT '';
