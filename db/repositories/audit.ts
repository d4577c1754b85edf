import type Database from 'better-sqlite3';

export interface AuditEntry {
  actor: string;
  action: string;
  entity?: string;
  entityId?: string | number;
  before?: unknown;
  after?: unknown;
}

/** Append-only audit log: who did what, when, with the row before and after. */
export function appendAudit(db: Database.Database, e: AuditEntry): void {
  db.prepare('INSERT INTO audit_log(at, actor, action, entity, entity_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    new Date().toISOString(),
    e.actor,
    e.action,
    e.entity ?? null,
    e.entityId === undefined ? null : String(e.entityId),
    e.before === undefined ? null : JSON.stringify(e.before),
    e.after === undefined ? null : JSON.stringify(e.after),
  );
}
