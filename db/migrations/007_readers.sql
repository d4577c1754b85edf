-- Schema 7: the dual-reader workflow. Readers are the people behind the reader codes that
-- segmentations carry ('R1', 'R2', 'REF' …); an assignment says which reader segments which
-- lesion on which sequence (the sequence label of main/api/extraction.ts: T2FS, DWI800, DCE3 …,
-- because the series differ per patient while the protocol's sequence does not). The stored
-- status is what a person set ('assigned' or 'done'); 'segmented' is derived from the presence
-- of the reader's segmentation, so it can never disagree with the segmentation table.
--
-- Blinding: which information a reader working in reader mode must not see. One row per item;
-- every change is also written to the audit log with who changed it and when.

CREATE TABLE reader (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40),
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  role        TEXT NOT NULL CHECK (role IN ('reader', 'adjudicator', 'coordinator')),
  created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE assignment (
  id          INTEGER PRIMARY KEY,
  reader_id   INTEGER NOT NULL REFERENCES reader(id) ON DELETE CASCADE,
  lesion_id   INTEGER NOT NULL REFERENCES lesion(id) ON DELETE CASCADE,
  sequence    TEXT NOT NULL CHECK (length(sequence) BETWEEN 1 AND 20),
  status      TEXT NOT NULL DEFAULT 'assigned' CHECK (status IN ('assigned', 'done')),
  -- How the assignment was made: {"method":"subset","seed":42,"fraction":0.3,…} or {"method":"manual"}.
  origin      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(origin)),
  created_at  TEXT NOT NULL,
  UNIQUE (reader_id, lesion_id, sequence)
) STRICT;
CREATE INDEX assignment_lesion ON assignment(lesion_id);

CREATE TABLE blinding (
  item        TEXT PRIMARY KEY CHECK (item IN ('otherReadersMasks', 'outcome', 'pathology')),
  hidden      INTEGER NOT NULL CHECK (hidden IN (0, 1)),
  updated_by  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) STRICT;

-- Offline exchange: every result package imported, by its id, so a package is never imported
-- twice; the manifest's SHA-256 says which exact package it was.
CREATE TABLE exchange_import (
  package_id       TEXT PRIMARY KEY CHECK (length(package_id) BETWEEN 1 AND 80),
  assignment_id    TEXT NOT NULL,
  reader           TEXT NOT NULL,
  folder           TEXT NOT NULL,
  manifest_sha256  TEXT NOT NULL CHECK (length(manifest_sha256) = 64),
  segmentations    INTEGER NOT NULL CHECK (segmentations >= 0),
  imported_at      TEXT NOT NULL
) STRICT;
