-- Schema 13: several labels per mask. A mask may hold label values 1…255 (maskCodec.ts writes
-- such masks in its version-2 format; binary masks keep version 1). The label table of a mask
-- (value, name, colour as JSON [{"value":1,"name":"lesion","colour":"#ff4033"}, …]) is kept
-- with the saved version and with the draft. Masks saved before have '[]': label 1 only.

ALTER TABLE segmentation ADD COLUMN labels TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(labels));
ALTER TABLE segmentation_draft ADD COLUMN labels TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(labels));
