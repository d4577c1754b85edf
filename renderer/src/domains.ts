/** One record count shown by a domain view, read from `study.summary` row counts. */
export interface DomainCount {
  /** Stable key for tests: `domain-count-<key>`. */
  key: string;
  label: string;
  /** Table names the count may come from (first match wins); absent tables count as 0. */
  tables: readonly string[];
}
