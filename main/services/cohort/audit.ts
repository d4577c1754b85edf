import type Database from 'better-sqlite3';
import type { AuditEntry } from '../../api/cohort.js';

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string | null;
  entity_id: string | null;
  field: string | null;
  before: string | null;
  after: string | null;
  batch_id: number | null;
}

export function listAudit(db: Database.Database, limit = 500, entity?: string): AuditEntry[] {
  const rows = (
    entity
      ? db.prepare('SELECT * FROM audit_log WHERE entity = ? ORDER BY id DESC LIMIT ?').all(entity, limit)
      : db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit)
  ) as AuditRow[];
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    field: r.field,
    before: r.before,
    after: r.after,
    batchId: r.batch_id,
  }));
}

/** The whole audit log as CSV (oldest first): when, who, what, entity, field, old, new. */
export function auditCsv(db: Database.Database): { csv: string; rows: number } {
  const q = (s: string | number | null) => {
    const t = s === null ? '' : String(s);
    return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  const lines = ['id,at,actor,action,entity,entity_id,field,before,after,batch_id'];
  let n = 0;
  for (const r of db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as Iterable<AuditRow>) {
    lines.push([r.id, r.at, r.actor, r.action, r.entity, r.entity_id, r.field, r.before, r.after, r.batch_id].map(q).join(','));
    n++;
  }
  return { csv: lines.join('\r\n') + '\r\n', rows: n };
}
