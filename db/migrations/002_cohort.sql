-- Schema 2: the cohort. Centers, patients (pseudonymous codes), lesions, a data dictionary of
-- typed variables with their values, exclusions with reason codes, and import batches
-- (kept so the last import can be undone). The audit log gains the changed field and batch.

CREATE TABLE center (
  id                INTEGER PRIMARY KEY,
  code              TEXT NOT NULL UNIQUE,
  name              TEXT NOT NULL,
  scanner_vendor    TEXT,
  field_strength_t  REAL CHECK (field_strength_t IS NULL OR field_strength_t > 0)
) STRICT;

CREATE TABLE patient (
  id         INTEGER PRIMARY KEY,
  code       TEXT NOT NULL UNIQUE,
  center_id  INTEGER NOT NULL REFERENCES center(id) ON DELETE RESTRICT
) STRICT;
CREATE INDEX patient_center ON patient(center_id);

CREATE TABLE lesion (
  id                INTEGER PRIMARY KEY,
  patient_id        INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
  code              TEXT NOT NULL,
  side              TEXT CHECK (side IS NULL OR side IN ('left', 'right')),
  clock_position    INTEGER CHECK (clock_position IS NULL OR clock_position BETWEEN 1 AND 12),
  quadrant          TEXT CHECK (quadrant IS NULL OR quadrant IN ('UOQ', 'UIQ', 'LOQ', 'LIQ', 'central')),
  is_index          INTEGER NOT NULL DEFAULT 0 CHECK (is_index IN (0, 1)),
  multifocal_group  TEXT,
  UNIQUE (patient_id, code)
) STRICT;

CREATE TABLE variable (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  label          TEXT NOT NULL,
  type           TEXT NOT NULL CHECK (type IN ('numeric', 'integer', 'categorical', 'ordinal', 'boolean', 'date', 'text')),
  unit           TEXT,
  levels         TEXT CHECK (levels IS NULL OR json_valid(levels)),
  missing_codes  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(missing_codes)),
  role           TEXT NOT NULL CHECK (role IN ('outcome', 'predictor', 'identifier', 'stratifier', 'other')),
  scope          TEXT NOT NULL CHECK (scope IN ('patient', 'lesion')),
  min_value      REAL,
  max_value      REAL,
  required       INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
  derived        TEXT,
  grp            TEXT,
  description    TEXT,
  builtin        INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
  position       INTEGER NOT NULL DEFAULT 0
) STRICT;

-- One value per (entity, variable): a number (numeric, integer, boolean 0/1, date as days since
-- 1970-01-01), a text (categorical/ordinal level, free text), or a recorded missing code.
CREATE TABLE patient_value (
  patient_id    INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
  variable_id   INTEGER NOT NULL REFERENCES variable(id) ON DELETE CASCADE,
  num           REAL,
  txt           TEXT,
  missing_code  TEXT,
  PRIMARY KEY (patient_id, variable_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE lesion_value (
  lesion_id     INTEGER NOT NULL REFERENCES lesion(id) ON DELETE CASCADE,
  variable_id   INTEGER NOT NULL REFERENCES variable(id) ON DELETE CASCADE,
  num           REAL,
  txt           TEXT,
  missing_code  TEXT,
  PRIMARY KEY (lesion_id, variable_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE exclusion_reason (
  code      TEXT PRIMARY KEY,
  label     TEXT NOT NULL,
  position  INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE exclusion (
  id           INTEGER PRIMARY KEY,
  patient_id   INTEGER REFERENCES patient(id) ON DELETE CASCADE,
  lesion_id    INTEGER REFERENCES lesion(id) ON DELETE CASCADE,
  reason_code  TEXT NOT NULL REFERENCES exclusion_reason(code),
  note         TEXT,
  created_at   TEXT NOT NULL,
  CHECK ((patient_id IS NULL) <> (lesion_id IS NULL))
) STRICT;

CREATE TABLE import_batch (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL,
  file_name    TEXT NOT NULL,
  file_sha256  TEXT NOT NULL,
  mapping      TEXT NOT NULL CHECK (json_valid(mapping)),
  summary      TEXT NOT NULL CHECK (json_valid(summary)),
  created_at   TEXT NOT NULL,
  undone_at    TEXT
) STRICT;

CREATE TABLE import_mapping (
  name        TEXT PRIMARY KEY,
  mapping     TEXT NOT NULL CHECK (json_valid(mapping)),
  updated_at  TEXT NOT NULL
) STRICT;

ALTER TABLE audit_log ADD COLUMN field TEXT;
ALTER TABLE audit_log ADD COLUMN batch_id INTEGER;
CREATE INDEX audit_batch ON audit_log(batch_id);
