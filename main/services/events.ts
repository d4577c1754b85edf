import type { AppEvent } from '../api/events.js';

/** In-process fan-out of events to the adapters (IPC to the window, SSE to browsers). */
export class EventBus {
  private readonly listeners = new Set<(e: AppEvent) => void>();

  subscribe(listener: (e: AppEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: AppEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a broken listener (closed connection) must not stop the others
      }
    }
  }
}
