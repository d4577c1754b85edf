-- Schema 5: lesion segmentations. One row per (lesion, reference series, reader): the mask is
-- stored on the series' voxel grid (resampled by nearest neighbour when the source file used
-- another grid, with a warning saying how the grids differed), run-length encoded then
-- gzip-compressed (main/compute/imaging/maskCodec.ts). The source file is recorded by path and
-- SHA-256 so a changed file can be found; the mask itself does not depend on it afterwards.

CREATE TABLE segmentation (
  id             INTEGER PRIMARY KEY,
  lesion_id      INTEGER NOT NULL REFERENCES lesion(id) ON DELETE CASCADE,
  series_id      INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  reader         TEXT NOT NULL CHECK (length(reader) BETWEEN 1 AND 40),
  job_id         INTEGER REFERENCES job(id) ON DELETE SET NULL,
  label          TEXT,
  source_format  TEXT NOT NULL CHECK (source_format IN ('nifti','nrrd','seg.nrrd','dicom-seg','rtstruct')),
  source_path    TEXT NOT NULL,
  source_sha256  TEXT NOT NULL CHECK (length(source_sha256) = 64),
  mask           BLOB NOT NULL,
  mask_encoding  TEXT NOT NULL DEFAULT 'rle-u32-gzip' CHECK (mask_encoding IN ('rle-u32-gzip')),
  voxel_count    INTEGER NOT NULL CHECK (voxel_count > 0),
  volume_mm3     REAL NOT NULL CHECK (volume_mm3 > 0),
  bbox           TEXT NOT NULL CHECK (json_valid(bbox)),
  warnings       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(warnings)),
  created_at     TEXT NOT NULL,
  UNIQUE (lesion_id, series_id, reader)
) STRICT;
CREATE INDEX segmentation_series ON segmentation(series_id);
