-- Schema 8: segmentations drawn in the viewer are versioned. Every save is a new row (a new
-- version of the (lesion, series, reader) slot, with the version it was edited from as parent);
-- no saved mask is ever overwritten. A row records the reader's status (in progress, done,
-- needs review) and the time spent editing it. Masks drawn in the app have source_format
-- 'editor'. Imported masks become version 1 with status 'done'.
--
-- SQLite cannot drop the old UNIQUE (lesion_id, series_id, reader), so the table is rebuilt.
-- Migrations run with foreign keys on: dropping the old table would cascade to feature_row,
-- so its rows are kept aside and put back under the same segmentation ids.
--
-- Autosaved drafts live apart (one per slot, overwritten by each autosave, deleted when the
-- version is saved): they are work in progress, not segmentations, and no analysis sees them.

CREATE TABLE segmentation_v8 (
  id             INTEGER PRIMARY KEY,
  lesion_id      INTEGER NOT NULL REFERENCES lesion(id) ON DELETE CASCADE,
  series_id      INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  reader         TEXT NOT NULL CHECK (length(reader) BETWEEN 1 AND 40),
  version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  parent_id      INTEGER REFERENCES segmentation_v8(id) ON DELETE SET NULL,
  status         TEXT NOT NULL DEFAULT 'done' CHECK (status IN ('in_progress', 'done', 'needs_review')),
  time_spent_s   REAL NOT NULL DEFAULT 0 CHECK (time_spent_s >= 0),
  job_id         INTEGER REFERENCES job(id) ON DELETE SET NULL,
  label          TEXT,
  source_format  TEXT NOT NULL CHECK (source_format IN ('nifti','nrrd','seg.nrrd','dicom-seg','rtstruct','editor')),
  source_path    TEXT NOT NULL,
  source_sha256  TEXT NOT NULL CHECK (length(source_sha256) = 64),
  mask           BLOB NOT NULL,
  mask_encoding  TEXT NOT NULL DEFAULT 'rle-u32-gzip' CHECK (mask_encoding IN ('rle-u32-gzip')),
  voxel_count    INTEGER NOT NULL CHECK (voxel_count > 0),
  volume_mm3     REAL NOT NULL CHECK (volume_mm3 > 0),
  bbox           TEXT NOT NULL CHECK (json_valid(bbox)),
  warnings       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(warnings)),
  created_at     TEXT NOT NULL,
  UNIQUE (lesion_id, series_id, reader, version)
) STRICT;

INSERT INTO segmentation_v8(id, lesion_id, series_id, reader, job_id, label, source_format, source_path, source_sha256,
                            mask, mask_encoding, voxel_count, volume_mm3, bbox, warnings, created_at)
  SELECT id, lesion_id, series_id, reader, job_id, label, source_format, source_path, source_sha256,
         mask, mask_encoding, voxel_count, volume_mm3, bbox, warnings, created_at FROM segmentation;

CREATE TEMP TABLE feature_row_kept AS SELECT * FROM feature_row;
DROP TABLE segmentation;
ALTER TABLE segmentation_v8 RENAME TO segmentation;
INSERT INTO feature_row SELECT * FROM temp.feature_row_kept;
DROP TABLE temp.feature_row_kept;

CREATE INDEX segmentation_series ON segmentation(series_id);
CREATE INDEX segmentation_slot ON segmentation(lesion_id, series_id, reader, version);

-- The latest version of every slot: what the segmentation table, extraction and agreement use.
CREATE VIEW segmentation_current AS
  SELECT g.* FROM segmentation g
   WHERE g.version = (SELECT max(x.version) FROM segmentation x
                       WHERE x.lesion_id = g.lesion_id AND x.series_id = g.series_id AND x.reader = g.reader);

CREATE TABLE segmentation_draft (
  lesion_id     INTEGER NOT NULL REFERENCES lesion(id) ON DELETE CASCADE,
  series_id     INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  reader        TEXT NOT NULL CHECK (length(reader) BETWEEN 1 AND 40),
  -- The saved version the draft was edited from (NULL: drawn from scratch).
  base_id       INTEGER REFERENCES segmentation(id) ON DELETE SET NULL,
  status        TEXT NOT NULL CHECK (status IN ('in_progress', 'done', 'needs_review')),
  time_spent_s  REAL NOT NULL CHECK (time_spent_s >= 0),
  mask          BLOB NOT NULL,
  voxel_count   INTEGER NOT NULL CHECK (voxel_count >= 0),
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (lesion_id, series_id, reader)
) STRICT;
