-- Schema 10: adjudication of reader disagreements and the reader study (seed 004).
--
-- Adjudication: one decision per lesion and item. An item is a mask on a sequence
-- (kind 'mask', target = sequence label such as DCE3) or a dual-read categorical variable
-- (kind 'variable', target = the base variable name, e.g. mass_shape for mass_shape_r1 /
-- mass_shape_r2). The decision chooses one reader (chosen_reader) or, for variables, records a
-- consensus level (value). decided_by is the adjudicator's reader code or 'consensus'. A decision
-- changed later is updated in place; the audit log keeps every version.
CREATE TABLE adjudication (
  id             INTEGER PRIMARY KEY,
  lesion_id      INTEGER NOT NULL REFERENCES lesion(id) ON DELETE CASCADE,
  kind           TEXT NOT NULL CHECK (kind IN ('mask', 'variable')),
  target         TEXT NOT NULL CHECK (length(target) BETWEEN 1 AND 80),
  -- The two readers whose disagreement was adjudicated, "R1,R2" (the first is the primary reader).
  readers        TEXT NOT NULL CHECK (length(readers) BETWEEN 3 AND 81),
  chosen_reader  TEXT,
  value          TEXT,
  decided_by     TEXT NOT NULL CHECK (length(decided_by) BETWEEN 1 AND 40),
  decided_at     TEXT NOT NULL,
  note           TEXT,
  CHECK ((chosen_reader IS NULL) <> (value IS NULL)),
  CHECK (kind = 'variable' OR value IS NULL),
  UNIQUE (lesion_id, kind, target)
) STRICT;

-- Reader study: a reader's rating of a lesion without (unaided) and with (aided) the model output
-- shown; score is a probability of malignancy 0–100 or a 5-point scale 1–5.
CREATE TABLE reader_rating (
  id          INTEGER PRIMARY KEY,
  reader_id   INTEGER NOT NULL REFERENCES reader(id) ON DELETE CASCADE,
  lesion_id   INTEGER NOT NULL REFERENCES lesion(id) ON DELETE CASCADE,
  session     TEXT NOT NULL CHECK (session IN ('unaided', 'aided')),
  scale       TEXT NOT NULL CHECK (scale IN ('probability', 'likert5')),
  score       REAL NOT NULL CHECK ((scale = 'probability' AND score BETWEEN 0 AND 100)
                                   OR (scale = 'likert5' AND score IN (1, 2, 3, 4, 5))),
  rated_at    TEXT NOT NULL,
  UNIQUE (reader_id, lesion_id, session)
) STRICT;
CREATE INDEX reader_rating_lesion ON reader_rating(lesion_id);
