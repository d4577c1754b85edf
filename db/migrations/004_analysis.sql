-- Schema 4: analyses. One row per run of an analysis spec (main/compute/ml): the spec, where
-- its data came from (a feature-table file with its SHA-256, or the study), the engine version,
-- a per-model summary for lists, and the whole result (split per row, fitted pipelines,
-- features per fold, predictions, metrics) as gzip-compressed JSON.

CREATE TABLE analysis (
  id            INTEGER PRIMARY KEY,
  job_id        INTEGER REFERENCES job(id) ON DELETE SET NULL,
  name          TEXT NOT NULL,
  spec          TEXT NOT NULL CHECK (json_valid(spec)),
  data_source   TEXT NOT NULL,
  data_sha256   TEXT NOT NULL CHECK (length(data_sha256) = 64),
  engine        TEXT NOT NULL,
  summary       TEXT NOT NULL CHECK (json_valid(summary)),
  result        BLOB NOT NULL,
  created_at    TEXT NOT NULL
) STRICT;
CREATE INDEX analysis_created ON analysis(created_at);
