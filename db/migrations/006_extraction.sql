-- Schema 6: feature extraction. An extraction is one parameter set run over a selection of
-- segmentations (readers × sequence kinds); its rows are filled by the `extraction.run` job in
-- batches as cases finish, so a cancelled, crashed or interrupted run resumes where it stopped.
--
-- Values are stored compactly: one float64 little-endian blob per (extraction, segmentation),
-- in the order of the extraction's name table (`feature_names`, a JSON array written with the
-- first successful case; every later case must produce the same names). A failed case keeps
-- its row with the message in `error` and no values. `image_sha256` (over the series' file
-- hashes) and `mask_sha256` (over the stored mask) tell a stale row from a current one.

CREATE TABLE extraction (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 80),
  params_text     TEXT NOT NULL,
  params_sha256   TEXT NOT NULL CHECK (length(params_sha256) = 64),
  selection       TEXT NOT NULL CHECK (json_valid(selection)),
  engine          TEXT NOT NULL,
  feature_names   TEXT CHECK (feature_names IS NULL OR json_valid(feature_names)),
  job_id          INTEGER REFERENCES job(id) ON DELETE SET NULL,
  created_at      TEXT NOT NULL
) STRICT;

CREATE TABLE feature_row (
  extraction_id    INTEGER NOT NULL REFERENCES extraction(id) ON DELETE CASCADE,
  segmentation_id  INTEGER NOT NULL REFERENCES segmentation(id) ON DELETE CASCADE,
  image_sha256     TEXT NOT NULL CHECK (length(image_sha256) = 64),
  mask_sha256      TEXT NOT NULL CHECK (length(mask_sha256) = 64),
  feature_values   BLOB CHECK (feature_values IS NULL OR length(feature_values) % 8 = 0),
  diagnostics      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(diagnostics)),
  error            TEXT,
  elapsed_ms       REAL NOT NULL CHECK (elapsed_ms >= 0),
  created_at       TEXT NOT NULL,
  CHECK ((feature_values IS NULL) <> (error IS NULL)),
  PRIMARY KEY (extraction_id, segmentation_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX feature_row_segmentation ON feature_row(segmentation_id);
