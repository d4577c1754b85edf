-- RadStudy study file, schema 1: study identity, jobs, audit log, volume cache.
-- Domain tables (cohort, images, segmentations, features, analyses) arrive in later migrations.

CREATE TABLE study_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE job (
  id           INTEGER PRIMARY KEY,
  kind         TEXT    NOT NULL,
  status       TEXT    NOT NULL CHECK (status IN ('queued','running','succeeded','failed','cancelled','interrupted')),
  params       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
  progress     REAL    NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  message      TEXT,
  eta_seconds  REAL,
  result       TEXT CHECK (result IS NULL OR json_valid(result)),
  error        TEXT CHECK (error IS NULL OR json_valid(error)),
  attempt      INTEGER NOT NULL DEFAULT 1,
  created_at   TEXT    NOT NULL,
  started_at   TEXT,
  finished_at  TEXT
) STRICT;
CREATE INDEX job_status ON job(status);

CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  entity     TEXT,
  entity_id  TEXT,
  before     TEXT CHECK (before IS NULL OR json_valid(before)),
  after      TEXT CHECK (after IS NULL OR json_valid(after))
) STRICT;
CREATE INDEX audit_entity ON audit_log(entity, entity_id);

-- Converted volumes (e.g. a DICOM series as one typed array), keyed by the source checksum.
CREATE TABLE volume_cache (
  key         TEXT PRIMARY KEY,
  created_at  TEXT    NOT NULL,
  bytes       INTEGER NOT NULL,
  sha256      TEXT    NOT NULL,
  data        BLOB    NOT NULL
) STRICT;
