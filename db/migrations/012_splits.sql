-- Schema 12: named splits stored in the study, so every analysis of a paper uses the same
-- training / test / external patients. A split assigns whole patients (a patient's lesions can
-- never be in two sets); its training patients may also carry cross-validation folds (k-fold,
-- repeated k-fold, or leave-one-patient-out), one fold per patient and repeat. The balance
-- table keeps the comparison of the sets (counts, outcome rate, center, clinical variables with
-- the Table 1 test and p-value) as it was when the split was made.

CREATE TABLE split (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 80),
  method      TEXT NOT NULL CHECK (method IN ('random', 'stratified', 'center', 'date')),
  seed        INTEGER,
  params      TEXT NOT NULL CHECK (json_valid(params)),
  counts      TEXT NOT NULL CHECK (json_valid(counts)),
  created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE split_assignment (
  split_id    INTEGER NOT NULL REFERENCES split(id) ON DELETE CASCADE,
  patient_id  INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
  set_role    TEXT NOT NULL CHECK (set_role IN ('train', 'test', 'external')),
  PRIMARY KEY (split_id, patient_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE split_fold (
  split_id    INTEGER NOT NULL REFERENCES split(id) ON DELETE CASCADE,
  patient_id  INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
  repeat      INTEGER NOT NULL CHECK (repeat >= 1),
  fold        INTEGER NOT NULL CHECK (fold >= 1),
  PRIMARY KEY (split_id, repeat, patient_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE split_balance (
  split_id    INTEGER NOT NULL REFERENCES split(id) ON DELETE CASCADE,
  position    INTEGER NOT NULL,
  variable    TEXT NOT NULL,
  level       TEXT,
  unit        TEXT NOT NULL CHECK (unit IN ('patients', 'lesions')),
  cells       TEXT NOT NULL CHECK (json_valid(cells)),
  test        TEXT,
  p_value     REAL,
  PRIMARY KEY (split_id, position)
) STRICT, WITHOUT ROWID;
