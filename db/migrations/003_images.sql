-- Schema 3: image series. Images stay where they are: a series records its source folder and
-- every file (path relative to the folder, SHA-256, size), so moved or changed files can be
-- found on demand. Series come from import batches (one per successful `images.import` job,
-- recorded in one transaction); a stacked DICOM series (several DCE phases or b-values per
-- position) is one row per component.

CREATE TABLE image_import (
  id             INTEGER PRIMARY KEY,
  job_id         INTEGER REFERENCES job(id) ON DELETE SET NULL,
  folder         TEXT NOT NULL,
  patient_code   TEXT,
  files_scanned  INTEGER NOT NULL,
  summary        TEXT NOT NULL CHECK (json_valid(summary)),
  created_at     TEXT NOT NULL
) STRICT;

CREATE TABLE series (
  id                   INTEGER PRIMARY KEY,
  import_id            INTEGER NOT NULL REFERENCES image_import(id) ON DELETE CASCADE,
  patient_id           INTEGER REFERENCES patient(id) ON DELETE SET NULL,
  lesion_id            INTEGER REFERENCES lesion(id) ON DELETE SET NULL,
  series_key           TEXT NOT NULL,
  study_instance_uid   TEXT,
  series_instance_uid  TEXT NOT NULL,
  dicom_patient_id     TEXT,
  modality             TEXT,
  series_number        INTEGER,
  description          TEXT,
  attributes           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
  kind                 TEXT NOT NULL CHECK (kind IN ('T1','T2','T2_FS','DWI','ADC','DCE','SUB','OTHER')),
  kind_source          TEXT NOT NULL DEFAULT 'rule' CHECK (kind_source IN ('rule','manual')),
  rule                 TEXT,
  b_value              REAL CHECK (b_value IS NULL OR b_value >= 0),
  phase                INTEGER CHECK (phase IS NULL OR phase >= 0),
  component            INTEGER NOT NULL DEFAULT 0 CHECK (component >= 0),
  components           INTEGER NOT NULL DEFAULT 1 CHECK (components >= 1),
  geometry             TEXT NOT NULL CHECK (json_valid(geometry)),
  source_folder        TEXT NOT NULL,
  warnings             TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(warnings)),
  created_at           TEXT NOT NULL,
  UNIQUE (source_folder, series_key)
) STRICT;
CREATE INDEX series_patient ON series(patient_id);
CREATE INDEX series_uid ON series(series_instance_uid);

CREATE TABLE series_file (
  series_id  INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  path       TEXT NOT NULL,
  sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
  bytes      INTEGER NOT NULL CHECK (bytes >= 0),
  PRIMARY KEY (series_id, position)
) STRICT, WITHOUT ROWID;
CREATE INDEX series_file_path ON series_file(path);
